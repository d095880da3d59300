// The API a large sweep's page uses, on the smoke sweep: the runs table a page at a time (filtered,
// sorted and brushed on the server), runs by id, the analysis of variance, the parallel
// coordinates' columns, and the read a page shows (?version) answered without a new read.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/server.ts';
import { getJson, startTestServer } from './helpers.ts';

let server: RunningServer;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let whole: any;

beforeAll(async () => {
  server = await startTestServer();
  whole = (await getJson(`${server.url}/api/sweeps/1/runs`)).body;
});
afterAll(() => server.close());

const page = async (query: string) => (await getJson(`${server.url}/api/sweeps/1/runs?${query}`)).body;

describe('the runs table, a page at a time', () => {
  it('slices the runs in plan order, with the total and the number matching', async () => {
    const body = await page('limit=3&offset=2');
    expect(body).toMatchObject({ total: 8, matched: 8, offset: 2 });
    expect(body.runs.map((run: { id: string }) => run.id)).toEqual(
      whole.runs.slice(2, 5).map((run: { id: string }) => run.id),
    );
  });

  it('filters by every word, in any of id, label, status, tags and params', async () => {
    const body = await page('limit=100&q=he_normal%200.9');
    expect(body.matched).toBe(2);
    for (const run of body.runs)
      expect(run.params).toMatchObject({ 'train.init': 'he_normal', 'train.optimizer.momentum': 0.9 });
  });

  it('sorts by a metric either way, runs without a value last', async () => {
    const values = (await page('limit=100&sort=final_val_acc&order=desc')).runs.map(
      (run: { results: { final_val_acc: number } }) => run.results.final_val_acc,
    );
    expect(values).toEqual([...values].sort((a, b) => b - a));
    expect((await page('limit=1&sort=rank')).runs[0].rank).toBe(1);
  });

  it('keeps the runs within ranges: a numeric param by value, another by its grid position, a metric by value', async () => {
    expect((await page('limit=100&ranges=train.optimizer.momentum:0.5:1')).matched).toBe(4);
    const glorot = await page('limit=100&ranges=train.init:1:1');
    expect(
      glorot.runs.every(
        (run: { params: Record<string, unknown> }) => run.params['train.init'] === 'glorot_uniform',
      ),
    ).toBe(true);
    const best = whole.runs.reduce((a: { rank: number }, b: { rank: number }) => (a.rank < b.rank ? a : b));
    const top = await page(`limit=100&ranges=final_val_acc:${best.results.final_val_acc}:1`);
    expect(top.runs.map((run: { id: string }) => run.id)).toContain(best.id);
  });

  it('refuses a sort or range on no column, and malformed ranges', async () => {
    for (const query of [
      'limit=5&sort=nope',
      'limit=5&ranges=nope:0:1',
      'limit=5&ranges=train.init:a:b',
      'limit=0',
    ]) {
      const { status, body } = await getJson(`${server.url}/api/sweeps/1/runs?${query}`);
      expect(status, query).toBe(400);
      expect(body.error).toBeTruthy();
    }
  });

  it('gives runs by id, and the read the page shows by its version', async () => {
    const ids = whole.runs.slice(0, 2).map((run: { id: string }) => run.id);
    expect((await page(`ids=${ids.join(',')}`)).runs.map((run: { id: string }) => run.id)).toEqual(ids);
    const { body } = await getJson(`${server.url}/api/sweeps/1`);
    expect(body.version).toEqual(expect.any(Number));
    expect((await page(`limit=1&version=${body.version}`)).total).toBe(8);
    // An unknown version only means the store is asked.
    expect((await page('limit=1&version=999999')).total).toBe(8);
  });
});

describe('analyses', () => {
  it('the ANOVA of the 2 x 2 grid with 2 seeds per cell: mains, their pair, the seeds', async () => {
    const { body } = await getJson(`${server.url}/api/sweeps/1/importance`);
    expect(body).toMatchObject({
      metric: 'final_val_acc',
      replicates: 2,
      dropped: { withoutValue: 0, levels: [], runs: 0 },
    });
    expect(body.effects.map((e: { factors: string[] }) => e.factors.join(' x ')).sort()).toEqual([
      'train.init',
      'train.init x train.optimizer.momentum',
      'train.optimizer.momentum',
    ]);
    expect(body.residual.df).toBe(4);
    const explained = body.effects.reduce((sum: number, e: { ss: number }) => sum + e.ss, 0);
    expect(explained + body.residual.ss).toBeCloseTo(body.total.ss, 10);
  });

  it("the parallel coordinates' columns: one per varying param and the metric, a value per run", async () => {
    const { body } = await getJson(`${server.url}/api/sweeps/1/parallel?metric=test_acc`);
    expect(body.axes.map((axis: { key: string }) => axis.key)).toEqual([
      'train.init',
      'train.optimizer.momentum',
      'test_acc',
    ]);
    expect(body.columns[0]).toEqual(
      whole.runs.map((run: { params: Record<string, unknown> }) =>
        run.params['train.init'] === 'he_normal' ? 0 : 1,
      ),
    );
    expect(body.columns[2]).toEqual(
      whole.runs.map((run: { results: { test_acc: number } }) => run.results.test_acc),
    );
  });
});

describe('the page', () => {
  it('preloads every module of the app, so they load at once rather than an import level at a time', async () => {
    const html = await (await fetch(server.url)).text();
    const preloaded = [...html.matchAll(/rel="modulepreload" href="([^"]+)"/g)].map((m) => m[1]).sort();
    const publicDir = fileURLToPath(new URL('../public', import.meta.url));
    const modules = readdirSync(publicDir, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.js') && file !== 'app.js')
      .map((file) => `/${file.split(path.sep).join('/')}`);
    // The shared modules the app imports, and the ones those import in turn.
    const sharedDir = fileURLToPath(new URL('../../packages/runner/src/view', import.meta.url));
    const importsOf = (file: string) =>
      [...readFileSync(file, 'utf8').matchAll(/from '(?:\/shared\/|\.\/)([a-z-]+\.js)'/g)].map((m) => m[1]);
    const shared = new Set(
      modules.flatMap((file) =>
        [...readFileSync(path.join(publicDir, file), 'utf8').matchAll(/from '\/shared\/([a-z-]+\.js)'/g)].map(
          (m) => m[1],
        ),
      ),
    );
    for (const name of shared)
      for (const imported of importsOf(path.join(sharedDir, name))) shared.add(imported);
    expect(preloaded).toEqual([...modules, ...[...shared].map((name) => `/shared/${name}`)].sort());
  });
});
