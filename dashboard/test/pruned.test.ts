// A pruned sweep (halving: 8 of its 12 runs pruned at rungs 1 and 2) as the dashboard serves it:
// the ablation grid counts pruned runs per cell apart from its mean, as it counts diverged ones,
// and the analysis of variance leaves them out among the runs without a value. In Chromium, the
// curves of pruned runs end in the pruned mark at their rung, the loss panel ticks the threshold of
// each rung (compared with the database's prune_decisions), and a pruned run's page says what pruned
// it, as `ablate show` does. A database from before schema 8 (no prune_decisions) still serves its
// curves.
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../../packages/runner/test/helpers/cli.ts';
import { HALVING, pruned, pruneSweep } from '../../packages/runner/test/helpers/prune.ts';
import type { RunningServer } from '../src/server.ts';
import { getJson, runAblate, startTestServer } from './helpers.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
let server: RunningServer;
let browser: Browser;
let dbPath: string;
interface Decision {
  id: string;
  status: string;
  epochs_done: number;
  rule: string | null;
  metric: string | null;
  rung: number | null;
  value: number | null;
  threshold: number | null;
}
/** Every run of the sweep (by id) with the decision that pruned it, as the database holds them. */
let decisions: Decision[];

beforeAll(async () => {
  const dir = tempDir('dashboard-pruned');
  dbPath = path.join(dir, 'pruned.db');
  const sweep = await runCli(['sweep', pruneSweep(dir, HALVING), '--db', dbPath, '--workers', '2']);
  expect(sweep.code, sweep.stderr).toBe(0);
  decisions = (await pruned(dbPath)).decisions as Decision[];
  server = await startTestServer(dbPath);
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu'],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Each rung's distinct non-null thresholds in the database, as [rung, threshold] pairs, sorted. */
function thresholdsInDb(): Array<[number, number]> {
  const pairs = new Set(
    decisions
      .filter((d) => d.status === 'pruned' && d.threshold !== null)
      .map((d) => JSON.stringify([d.rung, d.threshold])),
  );
  return [...pairs].map((pair) => JSON.parse(pair)).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

/**
 * The charts of the page's first curves (the selected runs'), by title, once each has drawn at least
 * `lines` datasets: their datasets' label, end mark, point style, ticks and points.
 */
async function chartsOf(page: Page, lines: number) {
  const drawn = await page.waitForFunction((lines) => {
    const canvases = Array.from(document.querySelector('.curves')?.querySelectorAll('canvas') ?? []);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const charts = canvases.map((canvas) => (window as any).Chart?.getChart(canvas));
    if (!charts.length || charts.some((chart) => !chart || chart.data.datasets.length < lines)) return null;
    return Object.fromEntries(
      charts.map((chart) => [
        chart.options.plugins.title.text,
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        chart.data.datasets.map((d: any) => ({
          label: d.label,
          endMark: d.endMark ?? null,
          pointStyle: d.pointStyle ?? null,
          threshold: d.threshold ?? false,
          data: d.data.map((p: { x: number; y: number }) => [p.x, p.y]),
        })),
      ]),
    );
  }, lines);
  return drawn.jsonValue();
}

async function openPage(url: string) {
  const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
  await page.goto(url);
  return { page, errors };
}

describe('a pruned sweep on the dashboard', () => {
  it('counts pruned runs per cell of the ablation grid, out of its mean', async () => {
    const { body } = await getJson(`${server.url}/api/sweeps/1/ablation?rows=train.lr&metric=final_val_acc`);
    expect(body.cells).toHaveLength(6);
    // Each learning rate's two seeds go on together or are pruned together: 4 cells pruned, 2 kept.
    const pruned = body.cells.filter((cell: { pruned: number }) => cell.pruned === 2);
    const kept = body.cells.filter(
      (cell: { pruned: number; n: number }) => cell.pruned === 0 && cell.n === 2,
    );
    expect([pruned.length, kept.length]).toEqual([4, 2]);
    for (const cell of pruned) expect(cell).toMatchObject({ n: 0, mean: null, values: [] });
  });

  it('leaves pruned runs out of the analysis of variance', async () => {
    const { body } = await getJson(`${server.url}/api/sweeps/1/importance?metric=final_val_acc`);
    expect(body.dropped.withoutValue).toBe(8);
  });

  it("serves each pruned run's decision and each rung's thresholds, as the database holds them", async () => {
    const { body } = await getJson(`${server.url}/api/sweeps/1/runs`);
    expect(body.runs).toHaveLength(12);
    for (const run of body.runs) {
      const stored = decisions.find((d) => d.id === run.id)!;
      const { rule, metric, rung, value, threshold } = stored;
      expect(run.prune).toEqual(stored.status === 'pruned' ? { rule, metric, rung, value, threshold } : null);
    }
    expect(body.runs.filter((run: { prune: unknown }) => run.prune).length).toBe(8);
    const { body: head } = await getJson(`${server.url}/api/sweeps/1`);
    expect(head.pruneRungs.map((r: { rung: number }) => r.rung)).toEqual([1, 2]);
    expect(
      head.pruneRungs.flatMap((r: { rung: number; thresholds: number[] }) =>
        r.thresholds.map((t) => [r.rung, t]),
      ),
    ).toEqual(thresholdsInDb());
    for (const r of head.pruneRungs) expect(r).toMatchObject({ rule: 'halving', metric: 'val_loss' });
  });

  it("ends pruned runs' curves in the pruned mark at their rung, and ticks each rung's threshold", async () => {
    // Every pruned run and a kept one, in plan order: the curves draw them in the selection's order.
    const kept = decisions.find((d) => d.status === 'finished')!;
    const shown = [...decisions.filter((d) => d.status === 'pruned'), kept];
    const { page, errors } = await openPage(
      `${server.url}/#/sweep/1?sel=${shown.map((d) => d.id).join(',')}`,
    );
    const charts = await chartsOf(page, 2 * shown.length);
    for (const title of ['Loss', 'Accuracy']) {
      const lines = charts[title].filter((d: { threshold: boolean }) => !d.threshold);
      expect(lines).toHaveLength(2 * shown.length);
      shown.forEach((run, i) => {
        for (const line of lines.slice(2 * i, 2 * i + 2)) {
          // Each line (train, val) ends where the run stopped: its rung, for a pruned run.
          expect(line.data.at(-1)[0]).toBe(run.epochs_done);
          if (run.status === 'pruned') {
            expect(run.epochs_done).toBe(run.rung);
            expect(line).toMatchObject({ endMark: 'pruned', pointStyle: 'triangle' });
          } else expect(line.endMark).toBeNull();
        }
      });
    }
    // The rule judged val_loss: the loss panel ticks its thresholds, the accuracy panel none.
    const ticks = charts.Loss.filter((d: { threshold: boolean }) => d.threshold);
    expect(ticks).toHaveLength(1);
    expect(ticks[0].label).toBe('prune threshold (halving val_loss)');
    expect(ticks[0].pointStyle).toBe('line');
    expect(ticks[0].data).toEqual(thresholdsInDb());
    expect(thresholdsInDb().length).toBeGreaterThanOrEqual(2);
    expect(charts.Accuracy.filter((d: { threshold: boolean }) => d.threshold)).toEqual([]);
    const key = await page.locator('.curves > p.hint').first().textContent();
    expect(key).toContain('▲: pruned at a rung');
    expect(key).toContain('—: prune threshold at each rung');
    expect(key).not.toContain('early stopping');
    await page
      .locator('.curves')
      .first()
      .screenshot({ path: path.join(repoRoot, 'artifacts/screenshots/pruned-curves.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  it("says on a pruned run's page what pruned it, as ablate show does, and ticks its threshold", async () => {
    const run =
      decisions.find((d) => d.status === 'pruned' && d.rung === 2) ?? decisions.find((d) => d.rung)!;
    const { page, errors } = await openPage(`${server.url}/#/run/${run.id}`);
    const notice = page.locator('.notice.pruned');
    await notice.waitFor();
    const said = `pruned after epoch ${run.rung}: halving val_loss ${run.value!.toPrecision(4)} worse than ${run.threshold!.toPrecision(4)}`;
    expect(await notice.textContent()).toBe(
      `This run was ${said} (its group's mean over its seeds at that rung, against the rule's threshold).`,
    );
    const show = await runAblate(['show', run.id, '--db', dbPath]);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toContain(said);
    // Its two lines (train, val) in each panel; the loss panel's tick is drawn with them.
    const charts = await chartsOf(page, 2);
    expect(
      charts.Loss.filter((d: { threshold: boolean }) => d.threshold).map((d: { data: unknown }) => d.data),
    ).toEqual([[[run.rung, run.threshold]]]);
    for (const line of charts.Loss.filter((d: { threshold: boolean }) => !d.threshold))
      expect(line).toMatchObject({
        endMark: 'pruned',
        data: expect.arrayContaining([[run.rung, expect.any(Number)]]),
      });
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('two runs compared, one pruned', () => {
  it('ends the pruned one in its mark at its rung and ticks its threshold', async () => {
    const prunedRun = decisions.find((d) => d.status === 'pruned' && d.threshold !== null)!;
    const kept = decisions.find((d) => d.status === 'finished')!;
    const { page, errors } = await openPage(`${server.url}/#/compare/${prunedRun.id}/${kept.id}`);
    const charts = await chartsOf(page, 4);
    const lines = charts.Loss.filter((d: { threshold: boolean }) => !d.threshold);
    expect(lines.map((d: { endMark: string | null }) => d.endMark)).toEqual(['pruned', 'pruned', null, null]);
    expect(lines[1].data.at(-1)[0]).toBe(prunedRun.rung);
    expect(charts.Loss.filter((d: { threshold: boolean }) => d.threshold)[0].data).toEqual([
      [prunedRun.rung, prunedRun.threshold],
    ]);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('a database from before schema 8 (no prune_decisions)', () => {
  let old: RunningServer;
  beforeAll(async () => {
    const copy = path.join(tempDir('dashboard-prune-v7'), 'prune-v7.db');
    copyFileSync(path.join(repoRoot, 'packages/runner/test/fixtures/prune-v7.db'), copy);
    old = await startTestServer(copy);
  });
  afterAll(() => old?.close());

  it('still serves the sweep, its runs and their curves, with no decisions', async () => {
    const { status, body } = await getJson(`${old.url}/api/sweeps/1/runs`);
    expect(status).toBe(200);
    expect(body.pruneRungs).toEqual([]);
    expect(body.runs).toHaveLength(4);
    for (const run of body.runs) expect(run).toMatchObject({ status: 'finished', prune: null });
    const ids = body.runs.map((run: { id: string }) => run.id);
    const series = await getJson(`${old.url}/api/series?runs=${ids.join(',')}`);
    expect(series.status).toBe(200);
    for (const id of ids) expect(series.body.series[id].metrics.val_loss).toHaveLength(3);
    const one = await getJson(`${old.url}/api/runs/${ids[0]}`);
    expect(one.status).toBe(200);
    expect(one.body.prune).toBeNull();
  });
});
