// A PostgreSQL results database as release 0.2 wrote it (schema version 3: test/fixtures/
// data-defaults-pg.sql, the runs of data-defaults.db), its spirals and CSV runs keyed by configs
// without the source defaults, one sweep recorded twice. A reader reads it as it is; the first
// writer of this release migrates it (configs filled, runs re-keyed, the two versions one sweep),
// and the same sweep files rerun against it find every finished run: nothing trains again.
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openReader } from '../../src/db/index.ts';
import { SCHEMA_VERSION } from '../../src/db/tables.ts';
import {
  CHECKPOINTS_V5_INTERRUPTED,
  DATA_DEFAULTS_SWEEPS,
  expectCheckpointsV5Rerun,
  expectDataDefaultsMigrated,
  expectLrDecayMigrated,
  expectRerunsTrainNothing,
  expectStalledV6Migrated,
  fixture,
  LR_DECAY_SWEEPS,
} from '../helpers/migrated.ts';
import { pgRows } from './cluster.ts';
import { startPostgres, type PostgresServer } from './server.ts';

let server: PostgresServer;
beforeAll(() => {
  server = startPostgres();
}, 60_000);
afterAll(() => server?.stop());

/** A new database loaded from a pg_dump fixture, less its psql-only \restrict lines. */
async function loadDump(name: string): Promise<string> {
  const url = await server.database();
  const dump = readFileSync(fixture(name), 'utf8').replace(/^\\(un)?restrict .*$/gm, '');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(dump);
  } finally {
    await client.end();
  }
  return url;
}

/**
 * The data-defaults database, as though written in this checkout: its CSV source is stored by the
 * absolute path it was made at, pointed at this checkout's copy (see
 * data-defaults-migration.test.ts; the migration hashes the configs again, never the old ids).
 */
async function fixtureDatabase(): Promise<string> {
  const url = await loadDump('data-defaults-pg.sql');
  const [{ train }] = await pgRows<{ train: string }>(
    url,
    "SELECT config_json::json -> 'data' -> 'source' ->> 'train' AS train FROM sweeps WHERE name = 'csv-defaults'",
  );
  for (const table of ['runs', 'sweeps'])
    await pgRows(url, `UPDATE ${table} SET config_json = replace(config_json, $1, $2)`, [
      train,
      fixture('data-defaults.csv'),
    ]);
  return url;
}

const count = async (url: string, sql: string) =>
  (await pgRows<{ n: number }>(url, `SELECT count(*)::int AS n FROM (${sql}) rows`))[0].n;

const version = async (url: string) =>
  (await pgRows<{ version: number }>(url, 'SELECT version FROM schema_version'))[0].version;

describe('a schema-3 PostgreSQL database with spirals and csv runs', () => {
  it('is read as it is, not migrated, by a reader', async () => {
    const url = await fixtureDatabase();
    const reader = await openReader(url);
    try {
      expect((await reader.sweepList()).length).toBe(3);
      expect((await reader.sweepRuns(1)).map((run) => run.status)).toEqual(Array(4).fill('finished'));
    } finally {
      await reader.close();
    }
    expect(await version(url)).toBe(3);
  }, 30_000);

  it('is migrated by a writer, reruns its sweeps without training anything, its configs carrying the data defaults', async () => {
    const url = await fixtureDatabase();
    expect(await version(url)).toBe(3);
    expect(await count(url, 'SELECT * FROM runs')).toBe(10);
    expect(await count(url, 'SELECT * FROM epochs')).toBe(8 * 3 + 2 * 2);

    await expectRerunsTrainNothing(url, DATA_DEFAULTS_SWEEPS);
    expect(await version(url)).toBe(SCHEMA_VERSION);
    await expectDataDefaultsMigrated({
      count: (sql) => count(url, sql),
      sources: async (table) =>
        (
          await pgRows<{ source: { kind: string } }>(
            url,
            `SELECT config_json::json -> 'data' -> 'source' AS source FROM ${table}`,
          )
        ).map((row) => row.source),
      fingerprintSpecs: async () =>
        (
          await pgRows<{ specs: string }>(
            url,
            'SELECT data_fingerprints_json AS specs FROM sweeps ORDER BY id',
          )
        ).flatMap((row) => Object.keys(JSON.parse(row.specs) as object)),
    });
  }, 120_000);
});

// test/fixtures/lr-decay-pg.sql: the runs of lr-decay.db, as a PostgreSQL database of schema version
// 4 (train.lrDecay): the first writer migrates it to 5, and the rewritten files train nothing.
describe('a schema-4 PostgreSQL database written with train.lrDecay', () => {
  it('is migrated by a writer, and the rewritten sweeps find every finished run', async () => {
    const url = await loadDump('lr-decay-pg.sql');
    expect(await version(url)).toBe(4);
    expect(await count(url, 'SELECT * FROM runs')).toBe(6);

    await expectRerunsTrainNothing(url, LR_DECAY_SWEEPS);
    expect(await version(url)).toBe(SCHEMA_VERSION);
    await expectLrDecayMigrated({ count: (sql) => count(url, sql) });
  }, 120_000);
});

// test/fixtures/checkpoints-v5-pg.sql: the sweep of checkpoints-v5.db, as a PostgreSQL database of
// schema version 5 (before checkpoints), its 4th run interrupted after 2 epochs: the first writer
// migrates it to 6, the interrupted run is trained again from epoch 1, the rest kept.
describe('a schema-5 PostgreSQL database, written before checkpoints', () => {
  it('is migrated by a writer: its finished runs kept, its interrupted one trained again', async () => {
    const url = await loadDump('checkpoints-v5-pg.sql');
    expect(await version(url)).toBe(5);
    expect(await count(url, `SELECT * FROM epochs WHERE run_id = '${CHECKPOINTS_V5_INTERRUPTED}'`)).toBe(2);

    await expectCheckpointsV5Rerun(url, (sql) => count(url, sql));
    expect(await version(url)).toBe(SCHEMA_VERSION);
  }, 120_000);
});

// test/fixtures/stalled-v6-pg.sql: the sweep of stalled-v6.db, as a PostgreSQL database of schema
// version 6: the first writer migrates it to 7 (the wider status constraint, the new layer
// statistics columns), every run as it was.
describe('a schema-6 PostgreSQL database, written before the stalled and pruned statuses', () => {
  it('is migrated by a writer, and then takes the new statuses', async () => {
    const url = await loadDump('stalled-v6-pg.sql');
    expect(await version(url)).toBe(6);
    // A reader reads it as it is: no prune_decisions table, no decisions (the dashboard's curves).
    const reader = await openReader(url);
    const [sweep] = await reader.sweepList();
    expect(await reader.pruneDecisionsOfSweep(sweep.id)).toEqual([]);
    await reader.close();
    expect(await version(url)).toBe(6);
    await expectStalledV6Migrated(
      url,
      (sql) => count(url, sql),
      (sql) => pgRows(url, sql),
    );
    expect(await version(url)).toBe(SCHEMA_VERSION);
    // On through 8 (PRUNE_TABLES, the migration SQLite takes too): no run parked, no decision.
    expect(await count(url, 'SELECT * FROM runs WHERE parked_at IS NULL')).toBe(3);
    expect(await count(url, 'SELECT * FROM prune_decisions')).toBe(0);
  }, 120_000);
});
