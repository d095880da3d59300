// `ablate report`, end to end: the real command on a copy of the smoke sweep's database (a tag and
// a note added by the real `ablate tag` and `note`), its file opened in real Chromium offline with
// every network request refused, and the same database reported twice.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summarizeSweep } from '@ablate/runner';
import { openReader } from '@ablate/runner/store';
import { winnerLines } from '@ablate/runner/view/winner.js';
import { writeDivergingSweep } from '../../packages/runner/test/helpers/cli.ts';
import { copyOfSmokeDb, runAblate } from './helpers.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'ablate-report-'));
let dbPath: string;
let sweepId: number;
let runIds: string[];
let browser: Browser;

/** `ablate report` of the smoke sweep into out. */
const reportTo = (out: string) => ['report', String(sweepId), '--db', dbPath, '--out', out];

beforeAll(async () => {
  dbPath = copyOfSmokeDb();
  const reader = await openReader(dbPath);
  const [sweep] = await reader.sweepList();
  sweepId = sweep.id;
  runIds = (await reader.sweepRuns(sweepId)).map((run) => run.id);
  await reader.close();
  for (const args of [
    ['tag', runIds[0], 'baseline', '--db', dbPath],
    ['note', runIds[0], 'kept <b>as</b> the reference', '--db', dbPath],
  ])
    expect((await runAblate(args)).code).toBe(0);
  for (const name of ['a.html', 'b.html']) {
    const result = await runAblate(reportTo(path.join(dir, name)));
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^report: .*\.html \(\d+ KB\)\n$/);
  }
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
});

afterAll(async () => {
  await browser?.close();
});

describe('ablate report', () => {
  it('the same database gives the same bytes, with no reference outside the file', () => {
    const a = readFileSync(path.join(dir, 'a.html'));
    const b = readFileSync(path.join(dir, 'b.html'));
    expect(a.equals(b)).toBe(true);
    const text = a.toString('utf8');
    // No element loads anything: no src, no link, no url(); the only hrefs are the page's anchors.
    // (The scripts' own text is left out here: what they load, Chromium below would see.)
    const markup = text.replace(/<script>[^]*?<\/script>/g, '<script></script>');
    expect(markup.match(/<script/g)).toHaveLength(3);
    expect(markup).not.toMatch(/\ssrc=|<link|url\(|@import/i);
    expect([...text.matchAll(/\shref="([^"]*)"/g)].every(([, href]) => href.startsWith('#'))).toBe(true);
    expect(text).toContain("default-src 'none'");
    // The note is text, never markup.
    expect(text).toContain('kept &lt;b&gt;as&lt;/b&gt; the reference');
  });

  it('opens offline in Chromium, every request refused: every chart drawn, no console error', async () => {
    const context = await browser.newContext({ offline: true, viewport: { width: 1280, height: 900 } });
    const url = pathToFileURL(path.join(dir, 'a.html')).href;
    const requests: string[] = [];
    // Every request but the file itself is refused (and the context is offline besides).
    await context.route('**/*', (route) =>
      route.request().url() === url ? route.continue() : route.abort(),
    );
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(url);
    const charts = JSON.parse((await page.locator('#charts').textContent())!) as Array<{ id: string }>;
    expect(charts.map((chart) => chart.id)).toEqual([
      'chart-curves',
      'chart-groups',
      'chart-importance',
      'chart-depth',
    ]);
    // Each chart's canvas painted: pixels drawn, Chart.js attached to it.
    const painted = await page.$$eval('canvas', (canvases) =>
      (canvases as HTMLCanvasElement[]).map((canvas) => {
        const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
        let count = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) count++;
        return {
          id: canvas.id,
          count,
          chart: Boolean(
            (window as unknown as { Chart: { getChart(c: HTMLCanvasElement): unknown } }).Chart.getChart(
              canvas,
            ),
          ),
        };
      }),
    );
    expect(painted.map((canvas) => canvas.id)).toEqual(charts.map((chart) => chart.id));
    for (const canvas of painted) {
      expect(canvas.chart).toBe(true);
      expect(canvas.count).toBeGreaterThan(2000);
    }
    expect(requests).toEqual([url]);
    expect(errors).toEqual([]);
    await page.screenshot({ path: path.join(dir, 'report.png'), fullPage: true });
    await context.close();
  });

  it('holds the winner as the command line says it, the sweep file, every run with its provenance, tags and notes', async () => {
    const reader = await openReader(dbPath);
    const summary = await summarizeSweep(reader, sweepId);
    const sweep = (await reader.sweep(sweepId))!;
    const record = (await reader.run(runIds[0]))!;
    await reader.close();
    const page = await browser.newPage();
    await page.goto(pathToFileURL(path.join(dir, 'a.html')).href);
    expect(await page.locator('#winner .winner').locator('p, li').allTextContents()).toEqual([
      ...winnerLines(summary.winner, summary.metric).map((line) => line.trim()),
      expect.stringMatching(/^best single run: /),
    ]);
    expect(await page.locator('#config pre').textContent()).toBe(sweep.configYaml);
    const rows = page.locator('table.runs tbody tr');
    expect(await rows.count()).toBe(runIds.length);
    const first = await rows.first().locator('td').allTextContents();
    expect(first[0]).toBe(runIds[0]);
    expect(first).toContain(record.code_version);
    expect(first).toContain(record.kernels);
    expect(first).toContain(record.data_fingerprint!.slice(0, 16));
    expect(first.at(-1)).toBe('baseline');
    expect(await page.locator('table.notes tbody tr td').allTextContents()).toEqual([
      runIds[0],
      expect.any(String),
      expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      'kept <b>as</b> the reference',
    ]);
    // The heatmap: init x momentum, 2 x 2 cells with a value each; every pair of the 4 cells tested.
    expect(await page.locator('table.heatmap tbody td[style]').count()).toBe(4);
    expect(await page.locator('table.pairs tbody tr').count()).toBe(6);
    await page.close();
  });
});

describe('ablate report --view', () => {
  it('follows the dashboard address: heatmap axes and metric, the curves and the analysis metrics', async () => {
    const address = `http://127.0.0.1:8080/#/sweep/${sweepId}?rows=train.optimizer.momentum&cols=train.init&ametric=test_acc&gmetric=train_loss&imetric=test_acc`;
    const out = path.join(dir, 'view.html');
    expect((await runAblate([...reportTo(out), '--view', address])).code).toBe(0);
    const page = await browser.newPage();
    await page.goto(pathToFileURL(out).href);
    expect(await page.locator('header .view').textContent()).toBe(`Views as arranged at ${address}`);
    expect(await page.locator('table.heatmap thead th').allTextContents()).toEqual([
      '',
      'train.init=he_normal',
      'train.init=glorot_uniform',
    ]);
    expect(await page.locator('table.heatmap tbody td.rowhead').allTextContents()).toEqual([
      'train.optimizer.momentum=0',
      'train.optimizer.momentum=0.9',
    ]);
    expect(await page.locator('#ablation .hint').textContent()).toMatch(/^test acc: mean ± std/);
    const titles = await page.evaluate(() =>
      (
        JSON.parse(document.getElementById('charts')!.textContent!) as Array<{
          id: string;
          config: { options: { plugins: { title: { text: string } } } };
        }>
      ).map((chart) => `${chart.id}: ${chart.config.options.plugins.title.text}`),
    );
    expect(titles).toEqual(
      expect.arrayContaining([
        "chart-curves: train loss: mean ± std over each group's seeds",
        'chart-importance: test acc: analysis of variance',
      ]),
    );
    await page.close();
  });
});

describe('ablate report: bad input', () => {
  const expectRefused = async (args: string[], message: RegExp, out: string) => {
    const before = readdirSync(path.dirname(out)).sort();
    const result = await runAblate(args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(message);
    expect(readdirSync(path.dirname(out)).sort()).toEqual(before);
  };

  it('a sweep that does not exist, an --out in no folder or a folder: one line, exit 2, nothing written', async () => {
    const out = path.join(dir, 'bad.html');
    await expectRefused(
      ['report', '99', '--db', dbPath, '--out', out],
      /^ablate: sweep 99: no such sweep/,
      out,
    );
    const nowhere = path.join(dir, 'missing', 'r.html');
    await expectRefused(reportTo(nowhere), /^ablate: report: --out .*: no folder/, out);
    await expectRefused(reportTo(dir), /^ablate: report: --out .*: is a folder/, out);
    await expectRefused(reportTo(dir).slice(0, -2), /^ablate: report: --out FILE\.html: expected/, out);
    expect(existsSync(path.join(dir, 'missing'))).toBe(false);
  });

  it('a sweep without a finished run, a file that cannot be written: one line, exit 2, nothing written', async () => {
    const elsewhere = mkdtempSync(path.join(tmpdir(), 'ablate-report-diverging-'));
    const diverging = path.join(elsewhere, 'diverging.db');
    const file = writeDivergingSweep(elsewhere);
    expect((await runAblate(['sweep', file, '--db', diverging])).code).toBe(0);
    const out = path.join(dir, 'none.html');
    await expectRefused(
      ['report', 'diverging', '--db', diverging, '--out', out],
      /^ablate: report: sweep diverging \(#1 diverging\) has no finished run yet/,
      out,
    );
    // /proc takes no new files, even from root.
    const result = await runAblate(reportTo('/proc/ablate-report.html'));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^ablate: report: --out \/proc\/ablate-report\.html: (not writable|cannot write it)/,
    );
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(existsSync('/proc/ablate-report.html')).toBe(false);
  });

  it('a --view of another sweep or page, or no address at all: one line, exit 2, nothing written', async () => {
    const out = path.join(dir, 'viewed.html');
    await expectRefused(
      [...reportTo(out), '--view', `http://127.0.0.1:8080/#/sweep/${sweepId + 1}?rows=train.init`],
      new RegExp(`^ablate: report: --view .*: an address of sweep ${sweepId + 1}, not of sweep ${sweepId}`),
      out,
    );
    await expectRefused(
      [...reportTo(out), '--view', `http://127.0.0.1:8080/#/run/${runIds[0]}`],
      /^ablate: report: --view .*: expected the address of a sweep's dashboard page/,
      out,
    );
    await expectRefused(
      [...reportTo(out), '--view', 'sweep 1'],
      /expected the address of a sweep's dashboard page/,
      out,
    );
  });

  it('an existing file is left as it was when the report is refused', async () => {
    const out = path.join(dir, 'kept.html');
    writeFileSync(out, 'mine');
    await expectRefused(['report', 'nonesuch', '--db', dbPath, '--out', out], /no such sweep/, out);
    expect(readFileSync(out, 'utf8')).toBe('mine');
  });
});
