// A run that does not learn, on the run page in real Chromium: lesson 004's network trained with
// its broken backward (ablate sweep --no-check) shows the verdict in a sentence and the gradient
// std per layer behind it; the run API serves the same diagnosis.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openForReading } from '@ablate/runner/store';
import { runCli } from '../../packages/runner/test/helpers/cli.ts';
import type { RunningServer } from '../src/server.ts';
import { getJson, startTestServer } from './helpers.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
let browser: Browser;
let server: RunningServer;
let runId: string;

beforeAll(async () => {
  const db = path.join(mkdtempSync(path.join(tmpdir(), 'ablate-diagnosis-')), 'r.db');
  const sweep = await runCli([
    'sweep',
    path.join(repoRoot, 'experiments', 'custom-layer', 'lesson-004.yaml'),
    '--db',
    db,
    '--no-check',
  ]);
  expect(sweep.code, sweep.stderr).toBe(0);
  const conn = await openForReading(db);
  runId = (await conn.get<{ id: string }>('SELECT id FROM runs'))!.id;
  await conn.close();
  server = await startTestServer(db);
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu'],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

it('the run page says the run stalled on vanishing gradients, with the gradient std per layer', async () => {
  const { body } = await getJson(`${server.url}/api/runs/${runId}`);
  expect(body.diagnosis).toMatchObject({ verdict: 'stalled', cause: 'vanishing gradients' });
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
  await page.goto(`${server.url}/#/run/${runId}`);
  const notice = page.locator('.diagnosis');
  await notice.waitFor();
  expect(await notice.locator('strong').textContent()).toBe('Stalled: vanishing gradients');
  expect(await notice.locator('p').textContent()).toMatch(
    /^Stalled: the training loss moved .* Vanishing gradients: /,
  );
  const rows = await notice.locator('tbody tr').allTextContents();
  expect(rows.map((row) => row.replace(/[\d.e+-]+$/, ''))).toEqual([
    'dense0 (relu)',
    'dense1 (sigmoid)',
    'dense2 (softmax)',
  ]);
  for (const row of rows) expect(Number(/[\d.e+-]+$/.exec(row)![0])).toBeLessThan(1e-7);
  expect(errors).toEqual([]);
  await page.close();
});
