// A results database written at schema version 3 (test/fixtures/data-defaults.db), before the data
// schema filled the source defaults: its spirals and CSV runs are keyed by configs without them, and
// one sweep was recorded twice, with the spirals defaults left out and written out. Under today's
// sweep command it is migrated on open (configs filled, runs re-keyed, the two versions one sweep),
// and the same sweep files rerun find every finished run: nothing trains again.
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Database } from '../src/db/database.ts';
import { SCHEMA_VERSION, schemaVersion } from '../src/db/tables.ts';
import { count, runCli, tempDir, withDb } from './helpers/cli.ts';

const fixture = (name: string) => path.join(import.meta.dirname, 'fixtures', name);

/**
 * A copy of the fixture, as though written in this checkout. A CSV source is stored by its
 * absolute path, the fixture's where it was made; pointing the stored configs at this checkout's
 * copy leaves the old ids stale, which the migration does not read: it hashes the configs again.
 */
async function copyOfFixture(): Promise<string> {
  const dbPath = path.join(tempDir('data-defaults'), 'data-defaults.db');
  copyFileSync(fixture('data-defaults.db'), dbPath);
  const db = await Database.open(dbPath);
  try {
    const recorded = await db.get<{ train: string }>(
      "SELECT config_json ->> '$.data.source.train' AS train FROM sweeps WHERE name = 'csv-defaults'",
    );
    for (const table of ['runs', 'sweeps'])
      await db.run(`UPDATE ${table} SET config_json = replace(config_json, ?, ?)`, [
        recorded!.train,
        fixture('data-defaults.csv'),
      ]);
  } finally {
    await db.close();
  }
  return dbPath;
}

const sources = (dbPath: string, table: 'runs' | 'sweeps') =>
  withDb(dbPath, async (db) =>
    (await db.all<{ source: string }>(`SELECT config_json ->> '$.data.source' AS source FROM ${table}`)).map(
      (row) => JSON.parse(row.source) as { kind: string },
    ),
  );

describe('a schema-3 database with spirals and csv runs', () => {
  it('reruns its sweeps without training anything, its configs carrying the data defaults', async () => {
    const dbPath = await copyOfFixture();
    expect(await count(dbPath, 'SELECT * FROM runs')).toBe(10);

    for (const [file, runs] of [
      ['data-defaults-spirals.yaml', 4],
      ['data-defaults-spirals-explicit.yaml', 4],
      ['data-defaults-csv.yaml', 2],
    ] as const) {
      const result = await runCli(['sweep', fixture(file), '--db', dbPath]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain(`trained nothing; ${runs} already done`);
    }

    expect(await withDb(dbPath, schemaVersion)).toBe(SCHEMA_VERSION);
    // The two spirals versions trained the same 4 runs under other ids: one run each now, the
    // first trained kept with its epochs (3 each), weights, tag and note.
    expect(await count(dbPath, "SELECT * FROM runs WHERE status = 'finished'")).toBe(6);
    expect(await count(dbPath, 'SELECT * FROM runs')).toBe(6);
    expect(await count(dbPath, 'SELECT * FROM epochs')).toBe(4 * 3 + 2 * 2);
    expect(await count(dbPath, 'SELECT * FROM weights')).toBe(6);
    expect(await count(dbPath, 'SELECT * FROM sweeps')).toBe(2);
    expect(await count(dbPath, 'SELECT * FROM sweep_runs')).toBe(6);
    expect(await count(dbPath, 'SELECT * FROM run_tags JOIN runs ON runs.id = run_id')).toBe(2);
    expect(await count(dbPath, 'SELECT * FROM run_notes JOIN runs ON runs.id = run_id')).toBe(1);

    const spirals = { kind: 'spirals', points: 100, classes: 2, noise: 0.2 };
    const csv = { kind: 'csv', train: fixture('data-defaults.csv'), labelColumn: 0, testFraction: 0.2 };
    for (const table of ['runs', 'sweeps'] as const)
      for (const source of await sources(dbPath, table))
        expect(source).toEqual(source.kind === 'csv' ? csv : spirals);
    // The fingerprints recorded for a spec without the defaults were dropped by the migration and
    // recorded again, under the spec as it is now, by the rerun.
    const recorded = await withDb(dbPath, (db) =>
      db.all<{ specs: string }>('SELECT data_fingerprints_json AS specs FROM sweeps'),
    );
    const specs = recorded.flatMap((row) => Object.keys(JSON.parse(row.specs) as object));
    expect(specs.map((spec) => (JSON.parse(spec) as { source: unknown }).source)).toEqual([spirals, csv]);
  });
});
