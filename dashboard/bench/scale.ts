// The dashboard at scale (issue 12), in real Chromium: on the 10,000-run spirals sweep
// (experiments/spirals-10k.yaml), how long the sweep page takes to show its first rows, how long a
// keystroke in the runs filter and a click on a sort header take to show their rows, how long each
// view takes, and how many bytes each response is.
//
//   npx tsx dashboard/bench/scale.ts [--db results/spirals-10k.db] [--json FILE]
//
// The database is built once (about a minute with 2 workers) and kept under results/ (git-ignored);
// pass --db to measure another sweep. Each figure is the median of a few repetitions.
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium, type Page } from 'playwright-core';
import { startServer } from '../src/server.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const SWEEP_FILE = 'experiments/spirals-10k.yaml';
const REPEATS = 5;

const { values: args } = parseArgs({
  options: { db: { type: 'string', default: 'results/spirals-10k.db' }, json: { type: 'string' } },
});
const dbPath = path.resolve(repoRoot, args.db!);

if (!existsSync(dbPath)) {
  console.log(`building ${args.db} from ${SWEEP_FILE} (once)...`);
  const sweep = spawnSync(
    path.join(repoRoot, 'node_modules/.bin/tsx'),
    ['packages/runner/src/cli.ts', 'sweep', SWEEP_FILE, '--db', dbPath, '--workers', '2'],
    { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  if (sweep.status !== 0) process.exit(sweep.status ?? 1);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * Milliseconds from calling act until the runs table's first row is there and contains `contains`,
 * and the match count and that row differ from `before` (firstRow()). (A function, not a string: the dashboard's CSP forbids eval.)
 */
async function timeUntilRows(
  page: Page,
  act: () => Promise<unknown>,
  before: string | null = null,
  contains = '',
): Promise<number> {
  const start = performance.now();
  await act();
  await page.waitForFunction(
    ([before, contains]) => {
      const row = document.querySelector('table.runs tbody tr[data-key]')?.textContent;
      const text = `${document.querySelector('.table-tools .count')?.textContent} ${row}`;
      return row !== undefined && text !== before && row.includes(contains!);
    },
    [before, contains],
    { polling: 'raf' },
  );
  return performance.now() - start;
}

const server = await startServer({ dbPath, port: 0 });
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox'],
});
const results: Record<string, number> = {};
try {
  const sweeps = (await (await fetch(`${server.url}/api/sweeps`)).json()) as {
    sweeps: Array<{ id: number; runCount: number }>;
  };
  const { id: sweepId, runCount } = sweeps.sweeps.reduce((a, b) => (b.runCount > a.runCount ? b : a));
  console.log(`sweep ${sweepId}: ${runCount} runs; ${REPEATS} repetitions, medians`);

  // Response sizes, as the page asks for them.
  const sizes: Record<string, string> = {
    'sweep (no runs)': `/api/sweeps/${sweepId}`,
    'runs page (100 rows)': `/api/sweeps/${sweepId}/runs?limit=100&sort=final_val_acc&order=desc`,
    'all runs (the old page load)': `/api/sweeps/${sweepId}/runs`,
    'groups by init': `/api/sweeps/${sweepId}/groups?by=train.init`,
    'ablation init x momentum': `/api/sweeps/${sweepId}/ablation?rows=train.init&cols=train.optimizer.momentum`,
    'importance (ANOVA)': `/api/sweeps/${sweepId}/importance`,
    'export.csv (streamed)': `/api/sweeps/${sweepId}/export.csv`,
  };
  for (const [name, url] of Object.entries(sizes)) {
    const start = performance.now();
    const response = await fetch(`${server.url}${url}`);
    const bytes = (await response.arrayBuffer()).byteLength;
    const ms = performance.now() - start;
    results[`${name} bytes`] = bytes;
    results[`${name} ms`] = ms;
    console.log(
      `${name.padEnd(30)} ${String(response.status).padEnd(4)} ${(bytes / 1024).toFixed(1).padStart(10)} KB  ${ms.toFixed(0).padStart(6)} ms`,
    );
  }

  const firstRows: number[] = [];
  const filterMs: number[] = [];
  const sortMs: number[] = [];
  const viewsMs: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    firstRows.push(await timeUntilRows(page, () => page.goto(`${server.url}/#/sweep/${sweepId}`)));
    // Every view drawn: the heatmap's cells and the group chart's canvas.
    await page.locator('table.heatmap button.cell').first().waitFor();
    viewsMs.push(await page.evaluate(() => performance.now()));
    const filter = page.getByRole('searchbox', { name: 'Filter rows' });
    const firstRow = () =>
      page.evaluate(
        () =>
          `${document.querySelector('.table-tools .count')?.textContent} ${document.querySelector('table.runs tbody tr[data-key]')?.textContent}`,
      );
    for (const word of ['he_normal', 'glorot', 'lecun_normal 0.9']) {
      const before = await firstRow();
      filterMs.push(await timeUntilRows(page, () => filter.fill(word), before, word.split(' ')[0]));
    }
    await filter.fill('');
    const sortButton = page.locator('table.runs thead button.sort', { hasText: 'final val acc' });
    for (let k = 0; k < 2; k++) {
      const before = await firstRow();
      sortMs.push(await timeUntilRows(page, () => sortButton.click(), before));
    }
    if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
    await page.close();
  }
  results['first rows ms'] = median(firstRows);
  results['every view drawn ms (from navigation start)'] = median(viewsMs);
  results['filter keystroke to rows ms'] = median(filterMs);
  results['sort click to rows ms'] = median(sortMs);
  for (const key of [
    'first rows ms',
    'every view drawn ms (from navigation start)',
    'filter keystroke to rows ms',
    'sort click to rows ms',
  ])
    console.log(`${key.padEnd(46)} ${results[key].toFixed(0).padStart(6)}`);
  if (args.json) writeFileSync(args.json, JSON.stringify(results, null, 2));
} finally {
  await browser.close();
  await server.close();
}
