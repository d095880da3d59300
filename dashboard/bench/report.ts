// How large `ablate report` is and how fast it opens: writes the report of a sweep with the real
// command, then opens it offline in real Chromium (every request but the file refused) five times,
// timing each from navigation start until its last chart is drawn (the load event: the charts are
// drawn by the page's last script). Prints the file's size, the write time and the median open.
//
//   npx tsx dashboard/bench/report.ts --db results/spirals-10k.db --sweep spirals-10k
//
// (dashboard/bench/scale.ts builds results/spirals-10k.db once, about a minute with 2 workers.)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const REPEATS = 5;
const { values: args } = parseArgs({
  options: {
    db: { type: 'string', default: 'results/spirals-10k.db' },
    sweep: { type: 'string', default: '1' },
  },
});
const out = path.join(mkdtempSync(path.join(tmpdir(), 'ablate-report-bench-')), 'report.html');
const started = performance.now();
const written = spawnSync(
  process.execPath,
  [
    path.join(repoRoot, 'packages/cli/bin/ablate.mjs'),
    'report',
    args.sweep!,
    '--db',
    path.resolve(repoRoot, args.db!),
    '--out',
    out,
  ],
  { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] },
);
if (written.status !== 0) process.exit(written.status ?? 1);
const writeSeconds = (performance.now() - started) / 1000;

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu'],
});
const url = pathToFileURL(out).href;
const opens: number[] = [];
for (let i = 0; i < REPEATS; i++) {
  const context = await browser.newContext({ offline: true });
  await context.route('**/*', (route) => (route.request().url() === url ? route.continue() : route.abort()));
  const page = await context.newPage();
  await page.goto(url);
  opens.push(await page.evaluate(() => performance.getEntriesByType('navigation')[0].duration));
  await context.close();
}
await browser.close();
const median = [...opens].sort((a, b) => a - b)[Math.floor(REPEATS / 2)];
console.log(
  `${args.db} sweep ${args.sweep}: ${(statSync(out).size / 1024).toFixed(0)} KB, written in ${writeSeconds.toFixed(1)} s, opened and drawn in ${(median / 1000).toFixed(2)} s (median of ${REPEATS})`,
);
