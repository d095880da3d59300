// Runs that do not learn, in real Chromium: lesson 004's network trained with its broken backward
// (ablate sweep --no-check) ends stalled, and its run page shows the verdict in a sentence and the
// gradient std per layer behind it (the run API serves the same diagnosis); a sweep whose lr 1e-7
// runs stall counts them per cell in the heatmap, apart from the mean, as it counts diverged runs,
// and so do the API, the analysis of variance and the HTML report.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openForReading } from '@ablate/runner/store';
import { readFileSync } from 'node:fs';
import { runCli, writeSweep } from '../../packages/runner/test/helpers/cli.ts';
import type { RunningServer } from '../src/server.ts';
import { getJson, runAblate, startTestServer } from './helpers.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
let browser: Browser;
let server: RunningServer;
let runId: string;
let db: string;
/** The flat sweep: lr 0.1 learns, lr 1e-7 stalls, 2 seeds each. */
let flatSweep: number;

beforeAll(async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ablate-diagnosis-'));
  db = path.join(dir, 'r.db');
  const sweep = await runCli([
    'sweep',
    path.join(repoRoot, 'experiments', 'custom-layer', 'lesson-004.yaml'),
    '--db',
    db,
    '--no-check',
  ]);
  expect(sweep.code, sweep.stderr).toBe(0);
  const flat = writeSweep(dir, 'flat.yaml', { name: 'flat', lrs: [0.1, 1e-7], seeds: 2, epochs: 8 });
  const flatRun = await runCli(['sweep', flat, '--db', db]);
  expect(flatRun.code, flatRun.stderr).toBe(0);
  const conn = await openForReading(db);
  runId = (await conn.get<{ id: string }>('SELECT run_id AS id FROM sweep_runs WHERE sweep_id = 1'))!.id;
  flatSweep = (await conn.get<{ id: number }>("SELECT id FROM sweeps WHERE name = 'flat'"))!.id;
  await conn.close();
  server = await startTestServer(db);
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu'],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

it('the run page says the run stalled on vanishing gradients, with the gradient std per layer', async () => {
  const { body } = await getJson(`${server.url}/api/runs/${runId}`);
  expect(body.run.status).toBe('stalled');
  expect(body.diagnosis).toMatchObject({ verdict: 'stalled', cause: 'vanishing gradients' });
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
  await page.goto(`${server.url}/#/run/${runId}`);
  const notice = page.locator('.diagnosis');
  await notice.waitFor();
  expect(await page.locator('.page-head .hint').textContent()).toMatch(/ · stalled · 6\/10 epochs/);
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

it('counts stalled runs per cell, apart from the mean, in the heatmap, the API, the ANOVA and the report', async () => {
  const { body } = await getJson(
    `${server.url}/api/sweeps/${flatSweep}/ablation?rows=train.lr&metric=final_val_acc`,
  );
  const cells = body.cells.map(
    (cell: { row: number; n: number; stalled: number; diverged: number; mean: number | null }) => [
      cell.row,
      cell.n,
      cell.stalled,
      cell.diverged,
      cell.mean === null,
    ],
  );
  expect(cells).toEqual([
    [0.1, 2, 0, 0, false],
    [1e-7, 0, 2, 0, true],
  ]);
  const importance = await getJson(`${server.url}/api/sweeps/${flatSweep}/importance?metric=final_val_acc`);
  expect(importance.body.dropped.withoutValue).toBe(2);

  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
  await page.goto(`${server.url}/#/sweep/${flatSweep}`);
  const heatmap = page.locator('table.heatmap button.cell');
  await heatmap.first().waitFor();
  expect(await heatmap.locator('.cell-n').allTextContents()).toEqual(['n=2', 'n=0 · 2 stalled']);
  expect(await heatmap.nth(1).locator('.cell-mean').textContent()).toBe(
    'all diverged, stalled, pruned or failed',
  );
  expect(errors).toEqual([]);
  await page.close();

  const out = path.join(path.dirname(db), 'flat.html');
  const report = await runAblate(['report', String(flatSweep), '--db', db, '--out', out]);
  expect(report.code, report.stderr).toBe(0);
  const html = readFileSync(out, 'utf8');
  expect(html).toContain('n=0, 2 stalled');
  expect(html).toMatch(/<th[^>]*>stalled<\/th>/);
});
