// A run of a sweep trained longer (train.epochs 2 -> 4, recorded as a new version) went on from its
// 2-epoch run's checkpoint: the run page says which run, with a link to it, in real Chromium.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openReader } from '@ablate/runner/store';
import type { RunningServer } from '../src/server.ts';
import { startTestServer } from './helpers.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

const YAML = `name: longer
data:
  source: { kind: mnist }
  subset: { first: 300 }
  testSubset: { first: 100 }
  validation: 60
model:
  hidden: [8]
train:
  epochs: 2
  batchSize: 32
`;

/** Runs `ablate sweep` on the file with these arguments; resolves with its exit code. */
function sweep(yaml: string, db: string, ...args: string[]): Promise<number | null> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'packages/runner/src/cli.ts', 'sweep', yaml, '--db', db, ...args],
    { cwd: repoRoot, stdio: 'ignore' },
  );
  return new Promise((resolve) => child.on('close', resolve));
}

let browser: Browser;
let server: RunningServer;
let shorter: string;
let longer: string;

beforeAll(async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ablate-dashboard-continued-'));
  const yaml = path.join(dir, 'longer.yaml');
  const db = path.join(dir, 'results.db');
  writeFileSync(yaml, YAML);
  expect(await sweep(yaml, db)).toBe(0);
  expect(await sweep(yaml, db, 'train.epochs=4', '--new-version')).toBe(0);
  const reader = await openReader(db);
  const runs = [...(await reader.sweepRuns(1)), ...(await reader.sweepRuns(2))].map((run) => run.id);
  [shorter, longer] = runs;
  expect((await reader.run(longer))?.continued_from).toBe(shorter);
  await reader.close();
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

it('the run page of a continued run names and links the run it went on from', async () => {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${server.url}/#/run/${longer}`);
  const hint = page.locator('.page-head p.hint');
  await hint.getByText(`continued from run ${shorter}`).waitFor();
  expect(await hint.textContent()).toContain('4/4 epochs');
  await hint.getByRole('link', { name: `run ${shorter}` }).click();
  await page.locator('.page-head p.hint', { hasText: `run ${shorter} · finished · 2/2 epochs` }).waitFor();
  // The shorter run continued nothing.
  expect(await page.locator('.page-head p.hint').textContent()).not.toContain('continued from');
  expect(errors).toEqual([]);
}, 60_000);
