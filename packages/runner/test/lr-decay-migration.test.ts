// A results database written at schema version 4 (test/fixtures/lr-decay.db), when the lr decay was
// train.lrDecay: its runs are keyed by configs that carry it. Under today's sweep command it is
// migrated on open (lrDecay becomes train.schedule, the runs re-keyed), the sweep files rewritten in
// today's language find every finished run, and those runs are the very runs today's code trains
// from the rewritten files: same ids, same numbers epoch by epoch. The old files are refused in one
// line saying what to write instead.
import { copyFileSync, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCHEMA_VERSION, schemaVersion } from '../src/db/tables.ts';
import { count, runCli, tempDir, withDb } from './helpers/cli.ts';
import {
  expectLrDecayMigrated,
  expectRerunsTrainNothing,
  fixture,
  LR_DECAY_SWEEPS,
} from './helpers/migrated.ts';

function copyOfFixture(): string {
  const dbPath = path.join(tempDir('lr-decay'), 'lr-decay.db');
  copyFileSync(fixture('lr-decay.db'), dbPath);
  return dbPath;
}

/** Each run's epochs, test result and weights by run id, wall times left out. */
const results = (dbPath: string) =>
  withDb(dbPath, async (db) => {
    const epochs = await db.all<{ run_id: string }>(
      'SELECT run_id, epoch, train_loss, train_acc, val_loss, val_acc, lr FROM epochs ORDER BY run_id, epoch',
    );
    const tests = await db.all('SELECT * FROM test_results ORDER BY run_id');
    const weights = await db.all('SELECT * FROM weights ORDER BY run_id');
    return { epochs, tests, weights };
  });

describe('a schema-4 database written with train.lrDecay', () => {
  it('reruns its rewritten sweeps without training anything, each run now saying its schedule', async () => {
    const dbPath = copyOfFixture();
    expect(await withDb(dbPath, schemaVersion)).toBe(4);
    expect(await count(dbPath, 'SELECT * FROM runs WHERE config_json LIKE \'%"lrDecay":0.9%\'')).toBe(4);

    await expectRerunsTrainNothing(dbPath, LR_DECAY_SWEEPS);
    expect(await withDb(dbPath, schemaVersion)).toBe(SCHEMA_VERSION);
    await expectLrDecayMigrated({ count: (sql) => count(dbPath, sql) });
  }, 60_000);

  it("holds, migrated, the runs today's code trains from the rewritten files: same ids, same numbers", async () => {
    const migrated = copyOfFixture();
    await expectRerunsTrainNothing(migrated, LR_DECAY_SWEEPS);
    const fresh = path.join(tempDir('lr-decay-fresh'), 'fresh.db');
    for (const [file] of LR_DECAY_SWEEPS) {
      const result = await runCli(['sweep', fixture(file), '--db', fresh]);
      expect(result.code, result.stderr).toBe(0);
    }
    const [before, after] = [await results(migrated), await results(fresh)];
    expect(after.epochs).toHaveLength(18);
    expect(before).toEqual(after);
  }, 60_000);

  it('refuses the old files in one line naming the schedule to write, and leaves the database alone', async () => {
    const dbPath = copyOfFixture();
    const size = statSync(dbPath).size;
    const old = await runCli(['sweep', fixture('lr-decay.yaml'), '--db', dbPath]);
    expect(old.code).toBe(2);
    expect(old.stderr.trim()).toBe(
      `ablate: ${fixture('lr-decay.yaml')}:13:3: train.lrDecay: unknown key; did you mean train.schedule: { name: exponential, gamma: 0.9 }?`,
    );
    const grid = await runCli(['sweep', fixture('lr-decay-grid.yaml'), '--db', dbPath]);
    expect(grid.code).toBe(2);
    expect(grid.stderr.trim()).toMatch(
      /lr-decay-grid\.yaml:14:5: sweep\.grid\.train\.lrDecay: not a path into the run config; did you mean train\.schedule: \[ constant, \{ name: exponential, gamma: 0\.8 \} \]\?$/,
    );
    expect(existsSync(`${dbPath}-wal`)).toBe(false);
    expect(statSync(dbPath).size).toBe(size);
    expect(await withDb(dbPath, schemaVersion)).toBe(4);
  }, 60_000);
});
