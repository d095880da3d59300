// The results store on a database written by release 0.1 (test/fixtures/release-0.1.db, schema
// version 1). Read as it is (the dashboard opens it read-only, unmigrated), the values the store
// derives are the ones release 0.1 stored in run_summary. Opened for a sweep, it is migrated to
// version 2 in place, and every finished run, epoch, layer statistic, test result and weight is still
// there and reads back the same through the store.
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.ts';
import { openReader, openStore, type ResultsReader } from '../src/db/index.ts';
import { openForReading, SCHEMA_VERSION, schemaVersion } from '../src/db/tables.ts';
import { tempDir } from './helpers/cli.ts';

function copyOfRelease(): string {
  const db = path.join(tempDir('store-migration'), 'release-0.1.db');
  copyFileSync(path.join(import.meta.dirname, 'fixtures', 'release-0.1.db'), db);
  return db;
}

async function withRaw<T>(dbPath: string, fn: (db: Database) => Promise<T>): Promise<T> {
  const db = await openForReading(dbPath);
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

/** Layer statistics version 7 added: NULL in every row written before it, so nothing 0.1 stored. */
const VERSION_7_STATISTICS = ['update_ratio', 'dead_fraction'];

/** row without the given keys where they are null. */
function withoutNulls<T extends object>(row: T, keys: string[]): T {
  return Object.fromEntries(
    Object.entries(row).filter(([key, value]) => !(keys.includes(key) && value === null)),
  ) as T;
}

/**
 * Everything a run produced, without its id (the migration re-keys runs) and in a stable order, as
 * sorted JSON strings: two databases hold the same results when these lists are equal.
 */
async function resultsInRawTables(dbPath: string): Promise<string[]> {
  return withRaw(dbPath, async (db) => {
    const runs = await db.all<{ id: string; status: string; epochs_done: number }>(
      'SELECT id, status, epochs_done FROM runs',
    );
    const results = [];
    for (const run of runs) {
      const strip = <T extends { run_id: string }>(rows: T[]) => rows.map(({ run_id: _, ...rest }) => rest);
      const weights = await db.get<{ shapes_json: string; data: Buffer }>(
        'SELECT shapes_json, data FROM weights WHERE run_id = ?',
        [run.id],
      );
      const test = await db.get<{
        loss: number;
        accuracy: number;
        confusion_json: string;
        per_class_json: string;
      }>('SELECT * FROM test_results WHERE run_id = ?', [run.id]);
      results.push({
        status: run.status,
        epochsDone: run.epochs_done,
        epochs: strip(
          await db.all<{ run_id: string }>('SELECT * FROM epochs WHERE run_id = ? ORDER BY epoch', [run.id]),
        ),
        layers: strip(
          await db.all<{ run_id: string }>(
            'SELECT * FROM layer_stats WHERE run_id = ? ORDER BY epoch, layer',
            [run.id],
          ),
        ).map((row) => withoutNulls(row, VERSION_7_STATISTICS)),
        test: test && {
          loss: test.loss,
          accuracy: test.accuracy,
          confusion: JSON.parse(test.confusion_json),
          perClass: JSON.parse(test.per_class_json),
        },
        weights: weights && { shapes: JSON.parse(weights.shapes_json), hex: weights.data.toString('hex') },
      });
    }
    return results.map((r) => JSON.stringify(r)).sort();
  });
}

/** The same, read through the store's interface only. */
async function resultsThroughStore(store: ResultsReader): Promise<string[]> {
  const results = [];
  const runIds = new Set<string>();
  for (const sweep of await store.sweepList())
    for (const run of await store.sweepRuns(sweep.id)) runIds.add(run.id);
  for (const runId of runIds) {
    const run = (await store.run(runId))!;
    const epochs = await store.epochsOfRuns([runId]);
    const weights = await store.loadWeights(runId);
    results.push({
      status: run.status,
      epochsDone: run.epochs_done,
      epochs: epochs.map(({ run_id: _, ...rest }) => rest),
      layers: (await store.layerStatsOfRun(runId))
        .map(({ run_id: _, ...rest }) => withoutNulls(rest, VERSION_7_STATISTICS))
        .sort((a, b) => a.epoch - b.epoch || a.layer - b.layer),
      test: await store.testResult(runId),
      weights: weights && {
        shapes: weights.shapes,
        hex: Buffer.from(weights.data.buffer, weights.data.byteOffset, weights.data.byteLength).toString(
          'hex',
        ),
      },
    });
  }
  return results.map((r) => JSON.stringify(r)).sort();
}

describe('a release-0.1 database in the results store', () => {
  it('reads unmigrated, deriving the final, best and test values release 0.1 stored', async () => {
    const dbPath = copyOfRelease();
    const stored = await withRaw(dbPath, (db) =>
      db.all<Record<string, number | string | null>>('SELECT * FROM run_summary ORDER BY run_id'),
    );
    expect(stored).toHaveLength(11);
    const store = await openReader(dbPath);
    try {
      for (const { run_id, ...results } of stored)
        expect(await store.runResults(run_id as string), String(run_id)).toEqual(results);
      expect(await resultsThroughStore(store)).toEqual(await resultsInRawTables(dbPath));
    } finally {
      await store.close();
    }
    // Reading never migrates: the dashboard may open a file an older sweep is still writing.
    expect(await withRaw(dbPath, schemaVersion)).toBe(1);
  });

  it('migrates to the current version in place, keeping every result', async () => {
    const dbPath = copyOfRelease();
    const before = await resultsInRawTables(dbPath);
    expect(before).toHaveLength(11);
    const store = await openStore(dbPath);
    try {
      expect(await resultsThroughStore(store)).toEqual(before);
      const sweeps = await store.sweepList();
      expect(sweeps.map((sweep) => sweep.runCount).sort()).toEqual([3, 8]);
      for (const sweep of sweeps) {
        expect(sweep.statusCounts).toEqual({ finished: sweep.runCount });
        // The best run: the highest final validation accuracy, ties to the run planned first.
        const runs = await store.sweepRuns(sweep.id);
        const top = Math.max(...runs.map((run) => run.results.final_val_acc!));
        const first = runs.find((run) => run.results.final_val_acc === top)!;
        expect(sweep.best).toEqual({
          runId: first.id,
          label: first.label,
          metric: 'final_val_acc',
          value: top,
        });
        expect(runs.filter((run) => run.rank === 1).map((run) => run.id)).toEqual([first.id]);
      }
    } finally {
      await store.close();
    }
    expect(await resultsInRawTables(dbPath)).toEqual(before);
    await withRaw(dbPath, async (db) => {
      expect(await schemaVersion(db)).toBe(SCHEMA_VERSION);
      expect(await db.get("SELECT name FROM sqlite_master WHERE name = 'run_summary'")).toBeUndefined();
    });
  });
});
