// A results database written at schema version 7 (test/fixtures/prune-v7.db), before pruning
// decisions and parked runs were recorded: a writer migrates it to version 8 in place, every run
// as it was, and a rerun of its sweep trains nothing.
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openForWriting, SCHEMA_VERSION, schemaVersion } from '../src/db/tables.ts';
import { count, tempDir, withDb } from './helpers/cli.ts';
import { expectRerunsTrainNothing, fixture } from './helpers/migrated.ts';
import { results } from './helpers/results.ts';

describe('a schema-7 database, written before pruning', () => {
  it('migrates to 8 with every run as it was, none parked or pruned', async () => {
    const dbPath = path.join(tempDir('prune-v7'), 'prune-v7.db');
    copyFileSync(fixture('prune-v7.db'), dbPath);
    expect(await withDb(dbPath, schemaVersion)).toBe(7);
    const before = await results(dbPath);
    await (await openForWriting(dbPath, { create: false })).close();
    expect(await withDb(dbPath, schemaVersion)).toBe(SCHEMA_VERSION);
    expect(await results(dbPath)).toEqual(before);
    expect(await count(dbPath, "SELECT * FROM runs WHERE status = 'finished' AND parked_at IS NULL")).toBe(4);
    expect(await count(dbPath, 'SELECT * FROM prune_decisions')).toBe(0);
    // The new table takes a decision, and goes with its run.
    const db = await openForWriting(dbPath, { create: false });
    try {
      const { id } = (await db.get<{ id: string }>('SELECT id FROM runs LIMIT 1'))!;
      await db.run(
        "INSERT INTO prune_decisions (run_id, rule, metric, rung, value, threshold) VALUES (?, 'median', 'val_loss', 1, NULL, 0.5)",
        [id],
      );
      await db.run('DELETE FROM sweep_runs WHERE run_id = ?', [id]);
      await db.run('DELETE FROM runs WHERE id = ?', [id]);
      expect((await db.get<{ n: number }>('SELECT count(*) AS n FROM prune_decisions'))!.n).toBe(0);
    } finally {
      await db.close();
    }
  });

  it('reruns its sweep without training anything', async () => {
    const dbPath = path.join(tempDir('prune-v7-rerun'), 'prune-v7.db');
    copyFileSync(fixture('prune-v7.db'), dbPath);
    await expectRerunsTrainNothing(dbPath, [['prune-v7.yaml', 4]]);
  }, 60_000);
});
