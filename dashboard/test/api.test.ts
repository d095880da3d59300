// The JSON API against a real smoke sweep's database, served from SQLite and, exported there, from
// PostgreSQL: the same answers from both engines (expected values are read from the SQLite file).
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { inject } from 'vitest';
import { openForReading, openForWriting, type Database } from '@ablate/runner/store';
import { createApp, type RunningServer } from '../src/server.ts';
import { copyOfSmokeDb, getJson, startTestServer } from './helpers.ts';

describe.each(['SQLite', 'PostgreSQL'] as const)('the API on %s', (engine) => {
  let server: RunningServer;
  let db: Database;
  let sweepId: number;
  let runIds: string[];
  let epochRows: number;

  beforeAll(async () => {
    server = await startTestServer(engine === 'SQLite' ? inject('smokeDb') : inject('smokePostgres'));
    db = await openForReading(inject('smokeDb'));
    sweepId = (await db.get<{ id: number }>('SELECT id FROM sweeps ORDER BY id LIMIT 1'))!.id;
    runIds = (
      await db.all<{ run_id: string }>('SELECT run_id FROM sweep_runs WHERE sweep_id = ? ORDER BY position', [
        sweepId,
      ])
    ).map((r) => r.run_id);
    epochRows = (await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM epochs'))!.n;
  });

  afterAll(async () => {
    await server.close();
    await db.close();
  });

  describe('sweeps', () => {
    it('lists the smoke sweep with its run counts by status and best result', async () => {
      const { status, body } = await getJson(`${server.url}/api/sweeps`);
      expect(status).toBe(200);
      expect(body.hint).toBeNull();
      const sweep = body.sweeps.find((s: { id: number }) => s.id === sweepId);
      expect(sweep.name).toBeTruthy();
      expect(sweep.runCount).toBe(runIds.length);
      expect(Object.values(sweep.statusCounts as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(
        runIds.length,
      );
      expect(sweep.varying).toEqual(
        expect.arrayContaining(['train.init', 'train.optimizer.momentum', 'seed']),
      );
      expect(runIds).toContain(sweep.best.runId);
      expect(sweep.best).toMatchObject({ metric: 'final_val_acc', value: expect.any(Number) });
    });

    it('gives a sweep its varying params and their values in grid order', async () => {
      const { body } = await getJson(`${server.url}/api/sweeps/${sweepId}`);
      expect(body.values['train.init']).toEqual(['he_normal', 'glorot_uniform']);
      expect(body.values['train.optimizer.momentum']).toEqual([0, 0.9]);
      expect(body.configYaml).toContain('smoke');
    });

    it("lists a sweep's runs with params, status and summary metrics", async () => {
      const { body } = await getJson(`${server.url}/api/sweeps/${sweepId}/runs`);
      expect(body.runs.map((run: { id: string }) => run.id)).toEqual(runIds);
      for (const run of body.runs) {
        expect(Object.keys(run.params)).toEqual(
          expect.arrayContaining(['train.init', 'train.optimizer.momentum', 'seed']),
        );
        expect(['finished', 'diverged']).toContain(run.status);
        expect(run.epochsDone).toBeGreaterThan(0);
        expect(Object.keys(run.results)).toEqual(
          expect.arrayContaining(['final_val_acc', 'best_val_loss', 'test_acc']),
        );
      }
      expect(body.metrics.curves).toMatchObject({ preferred: 'val_acc' });
      expect(body.metrics.curves.withData).toEqual(body.metrics.curves.choices);
      expect(body.metrics.final).toMatchObject({ preferred: 'final_val_acc' });
      // The best run, as the store ranks runs: rank 1 has the highest final val acc of the finished.
      const finished = body.runs.filter((run: { status: string }) => run.status === 'finished');
      const best = body.runs.find((run: { rank: number | null }) => run.rank === 1);
      expect(best.results.final_val_acc).toBe(
        Math.max(...finished.map((run: { results: { final_val_acc: number } }) => run.results.final_val_acc)),
      );
    });
  });

  describe('runs', () => {
    it('gives a run its config, summary, test results and layer statistics', async () => {
      const finished = (await db.get<{ run_id: string }>('SELECT run_id FROM test_results LIMIT 1'))!.run_id;
      const { body } = await getJson(`${server.url}/api/runs/${finished}`);
      expect(body.run.id).toBe(finished);
      expect(body.run.config.train.init).toBeDefined();
      expect(body.results.best_epoch).toBeGreaterThan(0);
      expect(body.test.confusion.length).toBe(body.test.perClass.length);
      expect(body.test.perClass[0]).toHaveProperty('f1');
      expect(body.sweeps[0].id).toBe(sweepId);

      const layers = (await getJson(`${server.url}/api/runs/${finished}/layers`)).body;
      expect(layers.layers.length).toBeGreaterThan(0);
      expect(layers.layers[0].epochs.length).toBe(layers.layers[0].act_mean.length);
    });

    it("serves a finished run's trained weights as stored, and 404 for a run without any", async () => {
      const stored = (await db.get<{ run_id: string; shapes_json: string; data: Buffer }>(
        'SELECT * FROM weights LIMIT 1',
      ))!;
      const { status, body } = await getJson(`${server.url}/api/runs/${stored.run_id}/weights`);
      expect(status).toBe(200);
      expect(body.shapes).toEqual(JSON.parse(stored.shapes_json));
      const bytes = Buffer.from(body.data, 'base64');
      expect(bytes.equals(stored.data)).toBe(true);
      const values = body.shapes.reduce(
        (n: number, s: { shape: number[] }) => n + s.shape.reduce((a, b) => a * b, 1),
        0,
      );
      expect(bytes.length).toBe(4 * values);
      // The smoke sweep scales by the default, unit: a pixel byte over 255, as the data package does.
      expect(body.input).toEqual({ scale: 'unit', offset: 0, factor: 1 / 255 });
      expect((await getJson(`${server.url}/api/runs/0123456789abcdef/weights`)).status).toBe(404);
    });

    it('keeps only the runs within ?ranges among ?ids (the curves within the brushes)', async () => {
      const { body: sweep } = await getJson(`${server.url}/api/sweeps/${sweepId}/runs`);
      const momentumOf = (id: string) =>
        sweep.runs.find((run: { id: string }) => run.id === id).params['train.optimizer.momentum'];
      const ids = runIds.slice(0, 4);
      const { body } = await getJson(
        `${server.url}/api/sweeps/${sweepId}/runs?ids=${ids.join(',')}&ranges=train.optimizer.momentum:0.5:1`,
      );
      expect(body.runs.map((run: { id: string }) => run.id)).toEqual(
        ids.filter((id) => momentumOf(id) === 0.9),
      );
      expect(body.runs.length).toBeGreaterThan(0);
    });

    it('returns series per run and metric, downsampled with first and last epoch kept', async () => {
      const ids = runIds.slice(0, 3);
      const full = (await getJson(`${server.url}/api/series?runs=${ids.join(',')}`)).body;
      const small = (await getJson(`${server.url}/api/series?runs=${ids.join(',')}&points=2`)).body;
      for (const id of ids) {
        const all = full.series[id].metrics.train_loss as Array<[number, number]>;
        const few = small.series[id].metrics.train_loss as Array<[number, number]>;
        expect(all.length).toBe(full.series[id].epochs);
        expect(few.length).toBeLessThanOrEqual(2);
        expect(few[0]).toEqual(all[0]);
        expect(few.at(-1)).toEqual(all.at(-1));
      }
    });
  });

  describe('aggregates', () => {
    it('groups curves by one param: mean and std per epoch over the group', async () => {
      const { body } = await getJson(
        `${server.url}/api/sweeps/${sweepId}/groups?by=train.init&metric=val_acc`,
      );
      expect(body.groups.map((g: { params: object }) => g.params)).toEqual([
        { 'train.init': 'he_normal' },
        { 'train.init': 'glorot_uniform' },
      ]);
      for (const group of body.groups) {
        expect(group.runIds).toHaveLength(runIds.length / 2);
        expect(group.mean).toHaveLength(group.epochs.length);
        expect(group.std.every((s: number) => s >= 0)).toBe(true);
      }
    });

    it('groups by two params into four cells', async () => {
      const { body } = await getJson(
        `${server.url}/api/sweeps/${sweepId}/groups?by=train.init,train.optimizer.momentum`,
      );
      expect(body.groups).toHaveLength(4);
      expect(body.metric).toBe('val_acc');
    });

    it('builds the ablation grid: mean, std, n and diverged per cell', async () => {
      const { body } = await getJson(
        `${server.url}/api/sweeps/${sweepId}/ablation?rows=train.init&cols=train.optimizer.momentum&metric=final_val_acc`,
      );
      expect(body.cells).toHaveLength(4);
      for (const cell of body.cells) {
        expect(cell.n + cell.diverged).toBeLessThanOrEqual(cell.runIds.length);
        if (cell.n)
          expect(cell.mean).toBeCloseTo(cell.values.reduce((a: number, b: number) => a + b, 0) / cell.n, 12);
      }
    });
  });

  describe('signal through depth', () => {
    /** Per group of train.init and layer, straight from layer_stats: n, mean and sample variance. */
    function expected(stat: string, epoch: number) {
      return db.all<{ init: string; layer: number; name: string; n: number; mean: number; variance: number }>(
        `SELECT json_extract(sr.params_json, '$."train.init"') AS init, ls.layer, ls.name, COUNT(*) AS n,
              AVG(ls.${stat}) AS mean,
              (SUM(ls.${stat} * ls.${stat}) - SUM(ls.${stat}) * SUM(ls.${stat}) / COUNT(*)) / (COUNT(*) - 1) AS variance
         FROM layer_stats ls JOIN sweep_runs sr ON sr.run_id = ls.run_id
        WHERE sr.sweep_id = ? AND ls.epoch = ?
        GROUP BY init, ls.layer, ls.name ORDER BY ls.layer`,
        [sweepId, epoch],
      );
    }

    it.each([
      ['', 'act_std', 0],
      ['&stat=grad_mean&epoch=3', 'grad_mean', 3],
      ['&stat=act_mean&epoch=2', 'act_mean', 2],
    ])(
      'by=train.init%s: per layer, the mean and n - 1 std of the rows in layer_stats',
      async (query, stat, epoch) => {
        const { status, body } = await getJson(
          `${server.url}/api/sweeps/${sweepId}/depth?by=train.init${query}`,
        );
        expect(status).toBe(200);
        expect(body).toMatchObject({ by: 'train.init', stat, epoch, epochs: [0, 1, 2, 3] });
        const rows = await expected(stat, epoch);
        // hidden [16]: one hidden Dense layer, then the output layer, named as the runner names them.
        expect(body.layers).toEqual([
          { layer: 0, name: rows.find((row) => row.layer === 0)!.name },
          { layer: 'output', name: rows.find((row) => row.layer === 1)!.name },
        ]);
        expect(body.layers[0].name).toMatch(/^dense0 /);
        expect(body.groups.map((g: { params: object }) => g.params)).toEqual([
          { 'train.init': 'he_normal' },
          { 'train.init': 'glorot_uniform' },
        ]);
        for (const group of body.groups) {
          expect(group.n + group.missing).toBe(runIds.length / 2);
          expect(group.runIds).toHaveLength(group.n);
          for (const layer of [0, 1]) {
            const row = rows.find((r) => r.init === group.params['train.init'] && r.layer === layer)!;
            expect(row.n).toBe(group.n);
            expect(group.mean[layer]).toBeCloseTo(row.mean, 12);
            // The SQL variance (sum of squares minus square of sum) cancels: where every run's value
            // is about the same (a softmax layer's mean activation is 1/10 up to rounding), its
            // root is off by up to sqrt(n u) |mean|, a few 1e-9 at u = 2^-52.
            expect(group.std[layer]).toBeCloseTo(Math.sqrt(Math.max(0, row.variance)), 7);
          }
        }
      },
    );

    // On a private SQLite copy, written to behind the server's back: engine-independent.
    it.skipIf(engine === 'PostgreSQL')(
      'leaves out and counts runs without statistics at the epoch; one Dense layer; none at all',
      async () => {
        const copy = copyOfSmokeDb();
        const writer = await openForWriting(copy);
        const local = await startTestServer(copy);
        // Statistics come with epochs, so the server reads them again when the store's change token
        // moves; rows deleted behind the runner's back move it by touching the sweep.
        let touches = 0;
        const touch = () =>
          writer.run('UPDATE sweeps SET updated_at = ? WHERE id = ?', [
            `2099-01-01T00:00:0${++touches}Z`,
            sweepId,
          ]);
        const depth = async (query: string) =>
          (await getJson(`${local.url}/api/sweeps/${sweepId}/depth?by=train.optimizer.momentum${query}`))
            .body;
        try {
          // As if the first run had diverged in epoch 2: statistics at epoch 1 only.
          await writer.run('DELETE FROM layer_stats WHERE run_id = ? AND epoch > 1', [runIds[0]]);
          await touch();
          const [firstGroup, otherGroup] = (await depth('&epoch=2')).groups;
          expect(firstGroup).toMatchObject({ n: runIds.length / 2 - 1, missing: 1 });
          expect(firstGroup.runIds).not.toContain(runIds[0]);
          expect(otherGroup).toMatchObject({ n: runIds.length / 2, missing: 0 });

          await writer.run('DELETE FROM layer_stats WHERE layer > 0');
          await touch();
          const single = await depth('');
          expect(single.layers).toHaveLength(1);
          expect(single.groups.every((g: { mean: number[] }) => g.mean.length === 1 && g.mean[0] > 0)).toBe(
            true,
          );

          await writer.run('DELETE FROM layer_stats');
          await touch();
          expect(await depth('')).toMatchObject({ epoch: null, epochs: [], layers: [] });
          expect(
            (await getJson(`${local.url}/api/sweeps/${sweepId}/depth?by=train.init&epoch=1`)).status,
          ).toBe(400);
        } finally {
          await local.close();
          await writer.close();
        }
      },
    );
  });

  describe('exports', () => {
    it('CSV: a header with the varying params and one row per run x epoch x metric', async () => {
      const response = await fetch(`${server.url}/api/sweeps/${sweepId}/export.csv`);
      expect(response.headers.get('content-type')).toMatch(/text\/csv/);
      expect(response.headers.get('content-disposition')).toMatch(
        /^attachment; filename="?smoke-\d+\.csv"?$/,
      );
      const lines = (await response.text()).trimEnd().split('\r\n');
      expect(lines[0]).toBe(
        'run_id,label,status,train.init,train.optimizer.momentum,seed,epoch,metric,value',
      );
      expect(lines.length - 1).toBe(epochRows * 6);
    });

    it('JSON: the same long rows', async () => {
      const { body } = await getJson(`${server.url}/api/sweeps/${sweepId}/export.json`);
      expect(body.rows).toHaveLength(epochRows * 6);
      expect(body.rows[0]).toMatchObject({ epoch: 1, metric: 'train_loss' });
    });

    it('Markdown: the ablation table', async () => {
      const text = await (
        await fetch(
          `${server.url}/api/sweeps/${sweepId}/ablation.md?rows=train.init&cols=train.optimizer.momentum`,
        )
      ).text();
      expect(text).toContain(
        '| train.init \\ train.optimizer.momentum | train.optimizer.momentum=0 | train.optimizer.momentum=0.9 |',
      );
      expect(text.match(/^\| (he_normal|glorot_uniform) \|/gm)).toHaveLength(2);
    });
  });

  describe('bad requests', () => {
    it.each([
      ['/api/sweeps/abc', 400],
      ['/api/sweeps/0', 400],
      ['/api/sweeps/999999', 404],
      ['/api/runs/0000000000000000', 404],
      ['/api/runs/not%20an%20id', 400],
      ['/api/series', 400],
      ['/api/series?runs=0000000000000000', 404],
      ['/api/series?runs=a&points=1', 400],
      ['/api/series?runs=a&points=abc', 400],
      ['/api/series?runs=a&runs=b', 400],
      ['/api/sweeps/1/groups?by=train.nonsense', 400],
      ['/api/sweeps/1/groups?by=train.init&metric=nope', 400],
      ['/api/sweeps/1/groups?by=train.init,train.optimizer.momentum,seed', 400],
      ['/api/sweeps/1/ablation?rows=train.init&cols=train.init', 400],
      ['/api/sweeps/1/ablation', 400],
      ['/api/sweeps/1/depth', 400],
      ['/api/sweeps/1/depth?by=train.lr', 400],
      ['/api/sweeps/1/depth?by=train.init&stat=act_var', 400],
      ['/api/sweeps/1/depth?by=train.init&epoch=-1', 400],
      ['/api/sweeps/1/depth?by=train.init&epoch=99', 400],
      ['/api/sweeps/1/depth?by=train.init&epoch=1.5', 400],
      ['/api/sweeps/999999/depth?by=train.init', 404],
      ['/api/events?sweep=999999', 404],
      ['/api/events?sweep=abc', 400],
      ['/api/nothing', 404],
    ])('%s -> %i with a JSON error', async (path, status) => {
      const response = await getJson(`${server.url}${path}`);
      expect(response.status).toBe(status);
      expect(typeof response.body.error).toBe('string');
    });
  });

  describe('no database yet', () => {
    it('says what to run instead of failing', async () => {
      const empty = await startTestServer('/nonexistent/dir/ablate.db');
      try {
        const list = await getJson(`${empty.url}/api/sweeps`);
        expect(list.status).toBe(200);
        expect(list.body).toEqual({
          sweeps: [],
          hint: 'no sweeps yet: run npx nx run runner:sweep experiments/mnist.yaml',
        });
        const sweep = await getJson(`${empty.url}/api/sweeps/1`);
        expect(sweep.status).toBe(503);
        expect(sweep.body.error).toMatch(/no sweeps yet/);
      } finally {
        await empty.close();
      }
    });
  });

  describe.skipIf(engine === 'PostgreSQL')('one refresh of the sweep page', () => {
    it('reads the sweep from the store once, whatever the number of sections asking, until it changes', async () => {
      const copy = copyOfSmokeDb();
      const { app, results } = createApp({ dbPath: copy });
      const listening = app.listen(0, '127.0.0.1');
      await new Promise((resolve) => listening.once('listening', resolve));
      const url = `http://127.0.0.1:${(listening.address() as AddressInfo).port}/api/sweeps/${sweepId}`;
      const reads = vi.spyOn((await results.require())!, 'sweepRuns');
      // What the sweep page asks for on each refresh: the sweep, then its sections.
      const refresh = () =>
        Promise.all(
          ['/runs', '/groups?by=train.init', '/depth?by=train.init', '/ablation?rows=train.init'].map(
            async (path) => expect((await getJson(`${url}${path}`)).status).toBe(200),
          ),
        );
      const writer = await openForWriting(copy);
      try {
        await refresh();
        expect(reads).toHaveBeenCalledTimes(1);
        await refresh();
        expect(reads).toHaveBeenCalledTimes(1);
        // A run moves on: the next refresh reads the sweep again, once.
        await writer.run("UPDATE runs SET status = 'interrupted' WHERE id = ?", [runIds[0]]);
        await refresh();
        expect(reads).toHaveBeenCalledTimes(2);
      } finally {
        await writer.close();
        listening.closeAllConnections();
        await new Promise((resolve) => listening.close(resolve));
        await results.close();
      }
    });
  });
});
