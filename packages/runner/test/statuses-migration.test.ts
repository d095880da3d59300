// A results database written at schema version 6 (test/fixtures/stalled-v6.db), before runs could
// end stalled or pruned: a writer migrates it to version 7 in place, every run as it was; and a
// database created today takes every status a run can have.
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RUN_STATUSES } from '../src/db/records.ts';
import { openForWriting, SCHEMA_VERSION, schemaVersion } from '../src/db/tables.ts';
import { count, tempDir, withDb } from './helpers/cli.ts';
import { expectStalledV6Migrated, fixture } from './helpers/migrated.ts';

async function write(dbPath: string, sql: string): Promise<void> {
  const db = await openForWriting(dbPath, { create: false });
  try {
    await db.run(sql);
  } finally {
    await db.close();
  }
}

describe('a schema-6 database, written before the stalled and pruned statuses', () => {
  it('migrates to 7 with every run as it was, and then takes the new statuses', async () => {
    const dbPath = path.join(tempDir('stalled-v6'), 'stalled-v6.db');
    copyFileSync(fixture('stalled-v6.db'), dbPath);
    expect(await withDb(dbPath, schemaVersion)).toBe(6);
    await expectStalledV6Migrated(
      dbPath,
      (sql) => count(dbPath, sql),
      (sql) => write(dbPath, sql),
    );
    expect(await withDb(dbPath, schemaVersion)).toBe(SCHEMA_VERSION);
    const check = await withDb(dbPath, (db) => db.get<{ ok: string }>('PRAGMA integrity_check'));
    expect(check?.ok ?? Object.values(check ?? {})[0]).toBe('ok');
  }, 60_000);
});

describe('a database created today', () => {
  it('takes every status in RUN_STATUSES', async () => {
    const dbPath = path.join(tempDir('statuses'), 'results.db');
    const db = await openForWriting(dbPath);
    try {
      for (const [i, status] of RUN_STATUSES.entries())
        await db.run(
          `INSERT INTO runs (id, group_id, seed, label, config_json, status, epochs_planned, ablate_version, created_at)
           VALUES (?, 'g', ?, 'l', '{}', ?, 1, 'test', 'now')`,
          [`run${i}`, i, status],
        );
      expect((await db.get<{ n: number }>('SELECT count(*) AS n FROM runs'))?.n).toBe(RUN_STATUSES.length);
    } finally {
      await db.close();
    }
  });
});
