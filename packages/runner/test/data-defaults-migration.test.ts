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
import { count, tempDir, withDb } from './helpers/cli.ts';
import {
  DATA_DEFAULTS_SWEEPS,
  expectDataDefaultsMigrated,
  expectRerunsTrainNothing,
  fixture,
} from './helpers/migrated.ts';

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

    await expectRerunsTrainNothing(dbPath, DATA_DEFAULTS_SWEEPS);
    expect(await withDb(dbPath, schemaVersion)).toBe(SCHEMA_VERSION);
    await expectDataDefaultsMigrated({
      count: (sql) => count(dbPath, sql),
      sources: (table) => sources(dbPath, table),
      fingerprintSpecs: () =>
        withDb(dbPath, async (db) =>
          (
            await db.all<{ specs: string }>('SELECT data_fingerprints_json AS specs FROM sweeps ORDER BY id')
          ).flatMap((row) => Object.keys(JSON.parse(row.specs) as object)),
        ),
    });
  });
});
