// A PostgreSQL results database as release 0.2 wrote it (schema version 3: test/fixtures/
// data-defaults-pg.sql, the runs of data-defaults.db), its spirals and CSV runs keyed by configs
// without the source defaults, one sweep recorded twice. A reader reads it as it is; the first
// writer of this release migrates it (configs filled, runs re-keyed, the two versions one sweep),
// and the same sweep files rerun against it find every finished run: nothing trains again.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openReader } from '../../src/db/index.ts';
import { SCHEMA_VERSION } from '../../src/db/tables.ts';
import { runCli } from '../helpers/cli.ts';
import { pgRows } from './cluster.ts';
import { startPostgres, type PostgresServer } from './server.ts';

const fixture = (name: string) => path.join(import.meta.dirname, '..', 'fixtures', name);

let server: PostgresServer;
beforeAll(() => {
  server = startPostgres();
}, 60_000);
afterAll(() => server?.stop());

/**
 * A new database loaded from the fixture, as though written in this checkout: its CSV source is
 * stored by the absolute path it was made at, pointed at this checkout's copy (see
 * data-defaults-migration.test.ts; the migration hashes the configs again, never the old ids).
 */
async function fixtureDatabase(): Promise<string> {
  const url = await server.database();
  // pg_dump's output less its psql-only \restrict lines: SQL statements, run as one script.
  const dump = readFileSync(fixture('data-defaults-pg.sql'), 'utf8').replace(/^\\(un)?restrict .*$/gm, '');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(dump);
  } finally {
    await client.end();
  }
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

    for (const [file, runs] of [
      ['data-defaults-spirals.yaml', 4],
      ['data-defaults-spirals-explicit.yaml', 4],
      ['data-defaults-csv.yaml', 2],
    ] as const) {
      const result = await runCli(['sweep', fixture(file), '--db', url]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain(`trained nothing; ${runs} already done`);
    }

    expect(await version(url)).toBe(SCHEMA_VERSION);
    // The two spirals versions trained the same 4 runs under other ids: one run each now, the
    // first trained kept with its epochs (3 each), weights, tag and note.
    expect(await count(url, "SELECT * FROM runs WHERE status = 'finished'")).toBe(6);
    expect(await count(url, 'SELECT * FROM runs')).toBe(6);
    expect(await count(url, 'SELECT * FROM epochs')).toBe(4 * 3 + 2 * 2);
    expect(await count(url, 'SELECT * FROM weights')).toBe(6);
    expect(await count(url, 'SELECT * FROM sweeps')).toBe(2);
    expect(await count(url, 'SELECT * FROM sweep_runs')).toBe(6);
    expect(await count(url, 'SELECT * FROM run_tags JOIN runs ON runs.id = run_id')).toBe(2);
    expect(await count(url, 'SELECT * FROM run_notes JOIN runs ON runs.id = run_id')).toBe(1);

    const spirals = { kind: 'spirals', points: 100, classes: 2, noise: 0.2 };
    const csv = { kind: 'csv', train: fixture('data-defaults.csv'), labelColumn: 0, testFraction: 0.2 };
    for (const table of ['runs', 'sweeps'])
      for (const { source } of await pgRows<{ source: { kind: string } }>(
        url,
        `SELECT config_json::json -> 'data' -> 'source' AS source FROM ${table}`,
      ))
        expect(source).toEqual(source.kind === 'csv' ? csv : spirals);
    // The fingerprints recorded for a spec without the defaults were dropped by the migration and
    // recorded again, under the spec as it is now, by the rerun.
    const recorded = await pgRows<{ specs: string }>(
      url,
      'SELECT data_fingerprints_json AS specs FROM sweeps ORDER BY id',
    );
    const specs = recorded.flatMap((row) => Object.keys(JSON.parse(row.specs) as object));
    expect(specs.map((spec) => (JSON.parse(spec) as { source: unknown }).source)).toEqual([spirals, csv]);
  }, 120_000);
});
