// A results database written at schema version 5 (test/fixtures/checkpoints-v5.db), before
// checkpoints: migrated to version 6 on open, its finished runs kept as they are, its interrupted
// run (no checkpoint to go on from) trained again from epoch 1; the result is the very database
// today's code writes for the same sweep from scratch, number for number (but for the layer
// statistics schema 7 added, which the runs finished then lack).
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCHEMA_VERSION, schemaVersion } from '../src/db/tables.ts';
import { count, runCli, tempDir, withDb } from './helpers/cli.ts';
import { CHECKPOINTS_V5_SWEEP, expectCheckpointsV5Rerun, fixture } from './helpers/migrated.ts';
import { resultsBeforeV7 } from './helpers/results.ts';

describe('a schema-5 database, written before checkpoints', () => {
  it('migrates, keeps its finished runs, retrains its interrupted one, and equals a fresh sweep', async () => {
    const dir = tempDir('checkpoints-v5');
    const dbPath = path.join(dir, 'checkpoints-v5.db');
    copyFileSync(fixture('checkpoints-v5.db'), dbPath);
    expect(await withDb(dbPath, schemaVersion)).toBe(5);
    const finished = () =>
      withDb(dbPath, (db) =>
        db.all(
          "SELECT e.* FROM epochs e JOIN runs r ON r.id = e.run_id WHERE r.status = 'finished' ORDER BY run_id, epoch",
        ),
      );
    const before = await finished();
    expect(before).toHaveLength(3 * 3);

    await expectCheckpointsV5Rerun(dbPath, (sql) => count(dbPath, sql));
    expect(await withDb(dbPath, schemaVersion)).toBe(SCHEMA_VERSION);
    // The runs finished before are untouched, wall times included.
    const after = (await finished()) as Array<{ run_id: string }>;
    const kept = new Set((before as Array<{ run_id: string }>).map((row) => row.run_id));
    expect(after.filter((row) => kept.has(row.run_id))).toEqual(before);

    const fresh = path.join(dir, 'fresh.db');
    const trained = await runCli(['sweep', fixture(CHECKPOINTS_V5_SWEEP), '--db', fresh]);
    expect(trained.code, trained.stderr).toBe(0);
    // Its finished runs were recorded before update_ratio and dead_fraction were measured.
    expect(await resultsBeforeV7(dbPath)).toEqual(await resultsBeforeV7(fresh));
  }, 60_000);
});
