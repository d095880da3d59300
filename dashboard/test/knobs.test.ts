// The training knobs as the dashboard sees them, on experiments/bn-init.yaml itself made small (one
// seed, one epoch, 300 images): model.batchNorm and train.init are params like any other (the
// ablation heatmap, the importance analysis, parallel coordinates), and the depth view at epoch 0
// shows what the README reports: with batch norm, every init gives its hidden layers the same
// signal; without it, they differ by orders of magnitude. And runs that early stopping ended, in
// Chromium: marked in the sweep's run table and at the end of their curves.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../../packages/runner/test/helpers/cli.ts';
import type { RunningServer } from '../src/server.ts';
import { getJson, startTestServer } from './helpers.ts';

const BN_INIT = fileURLToPath(new URL('../../experiments/bn-init.yaml', import.meta.url));

let server: RunningServer;
let sweepId: number;
let stoppingId: number;
let browser: Browser;

/** Spirals runs that stop early: val_acc stops improving within a few of their 40 epochs. */
const STOPPING = `
name: stopping
data:
  source: { kind: spirals }
  validation: 0.2
model:
  hidden: [8]
  activation: tanh
train:
  epochs: 40
  batchSize: 32
  lr: 0.3
  earlyStop: { metric: val_acc, patience: 3, restoreBest: true }
sweep:
  seeds: 2
`;

beforeAll(async () => {
  const dir = tempDir('knobs');
  const db = path.join(dir, 'bn-init.db');
  const small = [
    'data.subset={first: 300}',
    'data.testSubset={first: 100}',
    'data.validation=100',
    'train.epochs=1',
    'sweep.seeds=1',
  ];
  const ran = await runCli(['sweep', BN_INIT, '--db', db, ...small]);
  expect(ran.code, ran.stderr).toBe(0);
  const stopping = path.join(dir, 'stopping.yaml');
  writeFileSync(stopping, STOPPING);
  const stopped = await runCli(['sweep', stopping, '--db', db]);
  expect(stopped.code, stopped.stderr).toBe(0);
  server = await startTestServer(db);
  const { body } = await getJson(`${server.url}/api/sweeps`);
  const idOf = (name: string) => body.sweeps.find((sweep: { name: string }) => sweep.name === name).id;
  [sweepId, stoppingId] = [idOf('bn-init'), idOf('stopping')];
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu'],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('batch norm and init in the dashboard', () => {
  it('are params like any other: heatmap, importance, parallel coordinates', async () => {
    const ablation = await getJson(
      `${server.url}/api/sweeps/${sweepId}/ablation?rows=train.init&cols=model.batchNorm`,
    );
    expect(ablation.status).toBe(200);
    expect(ablation.body.cols.values).toEqual([false, true]);
    expect(ablation.body.cells).toHaveLength(8);
    const importance = await getJson(`${server.url}/api/sweeps/${sweepId}/importance`);
    expect(importance.body.factors.map((f: { name: string }) => f.name)).toEqual([
      'train.init',
      'model.batchNorm',
    ]);
    const parallel = await getJson(`${server.url}/api/sweeps/${sweepId}/parallel`);
    expect(parallel.body.axes.map((a: { key: string }) => a.key)).toEqual([
      'train.init',
      'model.batchNorm',
      'final_val_acc',
    ]);
  });

  it('the depth view at epoch 0: the same signal for every init with batch norm, not without', async () => {
    const { status, body } = await getJson(
      `${server.url}/api/sweeps/${sweepId}/depth?by=model.batchNorm&epoch=0&stat=act_std`,
    );
    expect(status).toBe(200);
    const group = (bn: boolean) =>
      body.groups.find((g: { params: Record<string, unknown> }) => g.params['model.batchNorm'] === bn);
    const [without, withNorm] = [group(false), group(true)];
    expect([without.n, withNorm.n]).toEqual([4, 4]);
    // The four hidden layers (the output layer has no batch norm): the std across the 4 inits.
    for (let layer = 0; layer < 4; layer++) {
      expect(withNorm.std[layer]).toBeLessThan(0.01);
      expect(without.std[layer]).toBeGreaterThan(0.2);
    }
  });
});

describe('early-stopped runs in the dashboard', () => {
  it('are marked in the run table and at the end of their curves', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${server.url}/#/sweep/${stoppingId}`);
    await page.locator('.stopped-early').first().waitFor();
    // Both runs stopped before their 40 epochs (the table's epochs column says so).
    const marked = await page.locator('.stopped-early').allTextContents();
    expect(marked).toHaveLength(2);
    for (const text of marked) expect(text).toMatch(/^\d+\/40 \(early\)$/);
    // The curves of the selected runs end in a cross, and their key says what it means.
    type ChartOf = (canvas: Element) => { data: { datasets: Array<{ pointStyle?: string }> } } | undefined;
    await expect
      .poll(() =>
        page.evaluate(() => {
          const chartOf: ChartOf = (canvas) =>
            (window as unknown as { Chart: { getChart: ChartOf } }).Chart.getChart(canvas);
          return Array.from(document.querySelectorAll('canvas')).some((canvas) =>
            chartOf(canvas)?.data.datasets.some((dataset) => dataset.pointStyle === 'crossRot'),
          );
        }),
      )
      .toBe(true);
    await expect(page.getByText('×: early stopping ended the run').count()).resolves.toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("say which epoch's weights their test values are of (restoreBest keeps the best)", async () => {
    const { body } = await getJson(`${server.url}/api/sweeps/${stoppingId}/runs?limit=10`);
    for (const listed of body.runs as Array<{ id: string }>) {
      const run = await getJson(`${server.url}/api/runs/${listed.id}`);
      const series = await getJson(`${server.url}/api/series?runs=${listed.id}`);
      const valAcc = series.body.series[listed.id].metrics.val_acc as Array<[number, number]>;
      // The first epoch of the highest val_acc: the one restoreBest (minDelta 0) kept.
      const best = valAcc.reduce((b, point) => (point[1] > b[1] ? point : b))[0];
      expect(run.body.testEpoch).toBe(best);
      const page = await browser.newPage();
      await page.goto(`${server.url}/#/run/${listed.id}`);
      await page.locator('table.confusion').waitFor();
      const said = `stopped early after ${run.body.run.epochs_done} of 40 epochs`;
      await expect(page.getByText(said).count()).resolves.toBeGreaterThan(0);
      if (best < run.body.run.epochs_done)
        await expect(page.getByText(`weights of epoch ${best};`).count()).resolves.toBeGreaterThan(0);
      await page.close();
    }
  });
});
