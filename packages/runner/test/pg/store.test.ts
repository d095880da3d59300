// The PostgreSQL store reads, annotates and removes as the SQLite store does: a sweep exported from
// SQLite into PostgreSQL answers every ResultsReader question (what the dashboard's API serves)
// with the same values, exports back bit for bit, and bad --db URLs are one line and exit code 2.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAnnotator, openReader, openStore, type ResultsReader } from '../../src/db/index.ts';
import { runCli, tempDir, writeSweep } from '../helpers/cli.ts';
import { results } from '../helpers/results.ts';
import { pgRows } from './cluster.ts';
import { startPostgres, type PostgresServer } from './server.ts';

let server: PostgresServer;
const dir = tempDir('pg-store');
const sqlite = path.join(dir, 'results.db');
const file = writeSweep(dir, 'tiny.yaml');

beforeAll(async () => {
  server = startPostgres();
  expect((await runCli(['sweep', file, '--db', sqlite, '--workers', '2'])).code).toBe(0);
  const annotator = await openAnnotator(sqlite);
  const [run] = (await (await openReader(sqlite)).sweepRuns(1)).map((r) => r.id);
  await annotator.tagRun(run, ['baseline', 'keep']);
  await annotator.noteRun(run, 'the reference run');
  await annotator.close();
}, 120_000);
afterAll(() => server?.stop());

/** Every question the reader answers about sweep 1 and its runs. */
async function everything(reader: ResultsReader) {
  const runs = await reader.sweepRuns(1);
  const ids = runs.map((run) => run.id);
  const perRun = (fn: (id: string) => Promise<unknown>) => Promise.all(ids.map(fn));
  return {
    sweepList: await reader.sweepList(),
    sweepsNamed: await reader.sweepsNamed('tiny'),
    sweep: await reader.sweep(1),
    runs,
    metricCounts: await reader.epochMetricCounts(1),
    epochs: await reader.epochsOfSweep(1),
    statEpochs: await reader.layerStatEpochs(1),
    stats: await reader.layerStatsOfSweep(1, 1),
    run: await perRun((id) => reader.run(id)),
    results: await perRun((id) => reader.runResults(id)),
    tests: await perRun((id) => reader.testResult(id)),
    sweepsOfRun: await perRun((id) => reader.sweepsOfRun(id)),
    known: [...(await reader.knownRuns([...ids, 'nope']))].sort(),
    epochsOfRuns: await reader.epochsOfRuns(ids),
    runStats: await perRun((id) => reader.layerStatsOfRun(id)),
    weights: await perRun((id) => reader.loadWeights(id)),
    statuses: [...(await reader.statuses(ids))].sort(),
    prefix: await reader.runsByPrefix(ids[0].slice(0, 4)),
    notes: await perRun((id) => reader.notes(id)),
    tags: await perRun((id) => reader.tags(id)),
  };
}

describe('the PostgreSQL store', () => {
  it('answers every read as SQLite does, and exports back bit for bit', async () => {
    const url = await server.database();
    const imported = await runCli(['export', '1', '--db', sqlite, '--to', url]);
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    const [fromFile, fromServer] = [await openReader(sqlite), await openReader(url)];
    expect(await everything(fromServer)).toEqual(await everything(fromFile));
    await Promise.all([fromFile.close(), fromServer.close()]);

    const back = path.join(dir, 'back.db');
    expect((await runCli(['export', '1', '--db', url, '--to', back])).code).toBe(0);
    expect(await results(back)).toEqual(await results(sqlite));
  }, 60_000);

  it('tags, notes, tells changes and removes a sweep', async () => {
    const url = await server.database();
    expect((await runCli(['export', '1', '--db', sqlite, '--to', url])).code).toBe(0);
    const reader = await openReader(url);
    const [run] = (await reader.sweepRuns(1)).map((r) => r.id);
    const before = await reader.changeToken(1);
    const annotator = await openAnnotator(url);
    await annotator.tagRun(run, ['keep', 'new']);
    await annotator.untagRun(run, ['baseline']);
    await annotator.noteRun(run, 'looked again');
    await annotator.close();
    expect(await reader.tags(run)).toEqual(['keep', 'new']);
    expect((await reader.notes(run)).map((note) => note.text)).toEqual(['the reference run', 'looked again']);
    expect(await reader.changeToken(1)).not.toBe(before);

    const store = await openStore(url);
    expect(await store.removeSweep(1)).toEqual({ runsRemoved: 4 });
    await store.close();
    expect(await reader.sweepList()).toEqual([]);
    expect(await pgRows(url, 'SELECT * FROM epochs')).toEqual([]);
    await reader.close();
  });

  it('has workers decline, in one line each, a sweep of other data or of other kernels', async () => {
    const url = await server.database();
    expect((await runCli(['export', '1', '--db', sqlite, '--to', url])).code).toBe(0);
    await pgRows(url, "UPDATE runs SET status = 'pending'");
    const declines = [
      [
        'UPDATE sweeps SET data_fingerprints_json = regexp_replace(data_fingerprints_json, \':"[0-9a-f]+"\', \':"0000"\')',
        /data .* has fingerprint [0-9a-f]+, the sweep's is 0000; declined$/,
      ],
      ["UPDATE sweeps SET kernels = 'other'", /requires kernels other, this worker has .*; declined$/],
    ] as const;
    for (const [change, message] of declines) {
      await pgRows(url, change);
      const worker = await runCli(['worker', '--db', url]);
      expect(worker.code).toBe(0);
      expect(worker.stderr.trim().split('\n')).toHaveLength(1);
      expect(worker.stderr.trim()).toMatch(/^ablate: worker: sweep "tiny" \(#1\)/);
      expect(worker.stderr.trim()).toMatch(message);
      expect(await pgRows(url, "SELECT 1 FROM runs WHERE status <> 'pending'")).toEqual([]);
    }
  }, 60_000);

  // An unreachable server is waited for (outage.test.ts); these fail at once.
  it('refuses bad credentials, a missing database and a newer schema in one line, exit 2, no password shown', async () => {
    const url = await server.database();
    const socket = /host=(.*)$/.exec(url)![1];
    const newer = await server.database();
    expect((await runCli(['export', '1', '--db', sqlite, '--to', newer])).code).toBe(0);
    await pgRows(newer, 'UPDATE schema_version SET version = 99');
    const cases = [
      ['worker', '--db', `postgresql://nobody:s3cret@/postgres?host=${socket}`],
      ['worker', '--db', `postgresql://postgres:s3cret@/nosuchdb?host=${socket}`],
      ['sweep', file, '--db', newer.replace('postgres@', 'postgres:s3cret@')],
    ];
    for (const args of cases) {
      const result = await runCli(args);
      expect(result.code).toBe(2);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(/^ablate: --db postgresql:\/\/(postgres|nobody):\*\*\*@/);
      expect(result.stderr).not.toContain('s3cret');
    }
    expect((await pgRows(newer, 'SELECT COUNT(*)::int AS n FROM sweeps'))[0]).toEqual({ n: 1 });
  }, 60_000);
});
