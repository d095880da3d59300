// Copying one sweep between results stores, either way between a SQLite file and PostgreSQL (to
// share a result or archive it, or to bring one in): the sweep, its runs, and all they produced,
// epochs, layer statistics, test results, weights, checkpoints, tags and notes. Both engines hold the same
// tables and columns (tables.ts), so a row is copied as it is. A run the target already has keeps
// the target's rows: a run's id is its config, and one run's results are never mixed from two stores.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { acquireLease } from './lease.ts';
import { openPostgresForWriting } from './postgres-tables.ts';
import type { SqlConnection } from './sql.ts';
import { isDatabaseUrl } from './store-location.ts';
import { openForWriting } from './tables.ts';

type Row = Record<string, unknown>;

/**
 * What a run produced or was given, by table; rows of run_notes get new ids in the target. A run's
 * checkpoint goes with it: the copy resumes, or is continued for more epochs, where it is.
 */
const RUN_TABLES = [
  'epochs',
  'layer_stats',
  'test_results',
  'weights',
  'checkpoints',
  'prune_decisions',
  'run_tags',
  'run_notes',
] as const;

/** Inserts a row as it is (column names are the schema's own, read from the source's rows). */
function insert(tx: SqlConnection, table: string, row: Row, conflict = 'ON CONFLICT DO NOTHING') {
  const columns = Object.keys(row);
  return tx.run(
    `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')}) ${conflict}`,
    Object.values(row),
  );
}

/** Copies the sweep into `to` in one transaction; returns its id there. */
async function copySweep(from: SqlConnection, sweepId: number, to: SqlConnection): Promise<number> {
  const sweep = await from.get<Row>('SELECT * FROM sweeps WHERE id = ?', [sweepId]);
  if (!sweep) throw new Error(`no sweep ${sweepId}`);
  const runs = await from.all<Row>(
    'SELECT r.* FROM runs r JOIN sweep_runs sr ON sr.run_id = r.id WHERE sr.sweep_id = ? ORDER BY sr.position',
    [sweepId],
  );
  const links = await from.all<Row>('SELECT * FROM sweep_runs WHERE sweep_id = ?', [sweepId]);
  return to.transaction(async (tx) => {
    const { id: _id, ...columns } = sweep;
    await insert(tx, 'sweeps', columns);
    const target = await tx.get<{ id: number }>('SELECT id FROM sweeps WHERE name = ? AND config_hash = ?', [
      sweep.name,
      sweep.config_hash,
    ]);
    for (const run of runs) {
      if ((await insert(tx, 'runs', run)).changes === 0) continue;
      for (const table of RUN_TABLES) {
        for (const { id: _note, ...row } of await from.all<Row>(`SELECT * FROM ${table} WHERE run_id = ?`, [
          run.id,
        ]))
          await insert(tx, table, row);
      }
    }
    for (const link of links) await insert(tx, 'sweep_runs', { ...link, sweep_id: target!.id });
    return target!.id;
  });
}

/**
 * Copies sweep `sweepId` of the store at `fromLocation` into the one at `toLocation` (a SQLite file,
 * created if needed, or a PostgreSQL URL). Returns its id in the target. A source without results
 * is NoResultsError, and creates nothing.
 */
export async function exportSweep(
  fromLocation: string,
  sweepId: number,
  toLocation: string,
): Promise<number> {
  const from = await openConnection(fromLocation, { create: false });
  try {
    // Before the target is opened (a file would be created): a missing sweep writes nothing.
    if (!(await from.db.get('SELECT 1 FROM sweeps WHERE id = ?', [sweepId])))
      throw new Error(`no sweep ${sweepId}`);
    const to = await openConnection(toLocation, { create: true });
    try {
      return await copySweep(from.db, sweepId, to.db);
    } finally {
      await to.close();
    }
  } finally {
    await from.close();
  }
}

/**
 * A writer's connection to either engine (migrated, so rows copy column for column); a SQLite
 * file's lease is held while it is open. Only the target's file (and folder) is created: the lease
 * is taken once the file is open, so a missing source leaves no lock file behind either.
 */
async function openConnection(
  location: string,
  { create }: { create: boolean },
): Promise<{ db: SqlConnection; close(): Promise<void> }> {
  if (isDatabaseUrl(location)) {
    const db = await openPostgresForWriting(location);
    return { db, close: () => db.close() };
  }
  if (create) mkdirSync(path.dirname(location), { recursive: true });
  const db = await openForWriting(location, { create });
  try {
    const lease = acquireLease(location);
    return { db, close: () => db.close().finally(() => lease.release()) };
  } catch (err) {
    await db.close();
    throw err;
  }
}
