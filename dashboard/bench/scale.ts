// The dashboard at scale (issue 12), in real Chromium: on the 10,000-run spirals sweep
// (experiments/spirals-10k.yaml), how long the sweep page takes to show its first rows, how long a
// keystroke in the runs filter and a click on a sort header take to show their rows, how long each
// view takes to draw, and how many bytes (and ms) each response is. Times in the page are taken
// inside it (performance.now, polled every animation frame), so no driver round trip is counted.
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

/** The sections of the sweep page, by the start of their heading, timed until each is drawn. */
const VIEWS = [
  'Runs',
  'Curves of the selected runs',
  'Parallel coordinates',
  'Grouped by param',
  'Signal through depth',
  'Ablation',
  'A final metric against a param',
  'Which params matter',
];

/**
 * Milliseconds from navigation start until each view is drawn (rows, heatmap cells or the ANOVA
 * table in place; its canvas holding a chart), polled every animation frame inside the page.
 */
function viewTimes(page: Page): Promise<Record<string, number>> {
  return page.evaluate(async (views) => {
    const times: Record<string, number> = {};
    const drawn = (heading: string) => {
      const section = Array.from(document.querySelectorAll('section')).find((s) =>
        s.querySelector('h2')?.textContent?.startsWith(heading),
      );
      if (!section) return false;
      if (section.querySelector('tr[data-key], button.cell, table.anova')) return true;
      const { Chart } = window as unknown as { Chart: { getChart(c: HTMLCanvasElement): unknown } };
      return Array.from(section.querySelectorAll('canvas')).some(
        (canvas) =>
          Chart.getChart(canvas) || canvas.getAttribute('aria-label')?.includes('within the brushes'),
      );
    };
    while (Object.keys(times).length < views.length) {
      for (const view of views) if (!(view in times) && drawn(view)) times[view] = performance.now();
      await new Promise((resolve) => requestAnimationFrame(resolve));
    }
    return times;
  }, VIEWS);
}

/**
 * Milliseconds, inside the page, from a filter keystroke (word: the box's new text) or a click on a
 * sort header (word: null) until the table shows other rows (and, for a filter, rows that match).
 */
function tableLatency(page: Page, word: string | null): Promise<number> {
  return page.evaluate(async (word) => {
    const shown = () =>
      `${document.querySelector('.table-tools .count')?.textContent} ${document.querySelector('table.runs tbody tr[data-key]')?.textContent}`;
    const before = shown();
    const start = performance.now();
    if (word === null) {
      const sort = Array.from(document.querySelectorAll('table.runs thead button.sort')).find((button) =>
        button.textContent?.startsWith('final val acc'),
      ) as HTMLButtonElement;
      sort.click();
    } else {
      const input = document.querySelector('input[type=search]') as HTMLInputElement;
      input.value = word;
      input.dispatchEvent(new Event('input'));
    }
    const first = word?.split(' ')[0] ?? '';
    while (shown() === before || !shown().includes(first))
      await new Promise((resolve) => requestAnimationFrame(resolve));
    return performance.now() - start;
  }, word);
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
    'parallel coordinates': `/api/sweeps/${sweepId}/parallel`,
    'depth by init': `/api/sweeps/${sweepId}/depth?by=train.init`,
    'export.csv (streamed)': `/api/sweeps/${sweepId}/export.csv`,
  };
  for (const [name, url] of Object.entries(sizes)) {
    // The server runs in this process: its peak resident memory while answering, over what it held before.
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const start = performance.now();
    const response = await fetch(`${server.url}${url}`);
    let bytes = 0;
    // Counted as it arrives, not buffered: the client must not be what holds the export.
    const reader = response.body!.getReader();
    for (let read = await reader.read(); !read.done; read = await reader.read())
      bytes += read.value.byteLength;
    const ms = performance.now() - start;
    clearInterval(sampler);
    results[`${name} MB more resident`] = (peak - before) / 2 ** 20;
    results[`${name} bytes`] = bytes;
    results[`${name} ms`] = ms;
    console.log(
      `${name.padEnd(30)} ${String(response.status).padEnd(4)} ${(bytes / 1024).toFixed(1).padStart(10)} KB  ${ms.toFixed(0).padStart(6)} ms  +${((peak - before) / 2 ** 20).toFixed(0)} MB RSS`,
    );
  }

  const views: Record<string, number[]> = Object.fromEntries(VIEWS.map((view) => [view, []]));
  const filterMs: number[] = [];
  const sortMs: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    // tsx names the arrow functions it compiles with a __name helper the page does not have.
    await page.addInitScript('window.__name = (f) => f');
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${server.url}/#/sweep/${sweepId}`, { waitUntil: 'commit' });
    for (const [view, ms] of Object.entries(await viewTimes(page))) views[view].push(ms);
    for (const word of ['he_normal', 'glorot', 'lecun_normal 0.9', ''])
      filterMs.push(await tableLatency(page, word));
    for (let k = 0; k < 3; k++) sortMs.push(await tableLatency(page, null));
    if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
    await page.close();
  }
  for (const view of VIEWS) results[`${view}: drawn at ms`] = median(views[view]);
  results['filter keystroke to rows ms'] = median(filterMs);
  results['sort click to rows ms'] = median(sortMs);
  results['filter keystroke to rows ms (slowest)'] = Math.max(...filterMs);
  results['sort click to rows ms (slowest)'] = Math.max(...sortMs);
  console.log('in Chromium, from navigation start (views) or from the input (table):');
  for (const [key, value] of Object.entries(results).filter(
    ([key]) => key.includes('drawn') || key.includes('to rows'),
  ))
    console.log(`  ${key.padEnd(52)} ${value.toFixed(0).padStart(6)}`);
  if (args.json) writeFileSync(args.json, JSON.stringify(results, null, 2));
} finally {
  await browser.close();
  await server.close();
}
