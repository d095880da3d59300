// Rewriting the configs a results database stores, for a migration that changes what a resolved
// config holds. A run's id hashes its config, so every run is re-keyed, in every table that names
// it, and the sweeps' configs, hashes, varying paths and params follow, so that the same sweep file
// planned by today's code finds its finished runs instead of training them again.
//
// Two stored runs whose configs are one config once rewritten are one run: the one with the final
// result is kept (finished, else diverged, else the oldest), and the other's sweeps, tags and notes
// follow it. Two versions of a sweep that become one config are one sweep, the same way.
//
// The same statements run on SQLite and PostgreSQL (sql.ts's dialect says where to find the
// tables). No foreign key is broken at any point, so none needs deferring (PostgreSQL's are not
// deferrable): a re-keyed run is copied under its new id, its rows re-pointed, and the old row
// deleted; a row that would duplicate one the kept run or sweep has stays behind, to be deleted.
import { hashConfig } from './identity.ts';
import type { SqlConnection } from './sql.ts';

export type Json = Record<string, unknown>;

export interface ConfigRewrite {
  /** A stored run config in today's shape; one already in today's shape comes back equal. */
  run(config: Json): Json;
  /** A stored sweep config in today's shape, the same way. */
  sweep(config: Json): Json;
  /** A dotted config path as today's config spells it (varying paths); without it, unchanged. */
  path?(path: string): string;
}

function valueAt(config: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node as Json | undefined)?.[key], config);
}

/** Final results first: the copy a duplicate is merged into. */
const KEEP_ORDER = "CASE status WHEN 'finished' THEN 0 WHEN 'diverged' THEN 1 ELSE 2 END, created_at, id";

/**
 * What belongs to a merged duplicate but is not its results: where it was planned, and what people
 * said about it. These rows move to the kept run; the duplicate's results go with it. Each table
 * with the column that, besides run_id, keys its rows (none: every row moves).
 */
const FOLLOWS_THE_RUN: Array<[table: string, key?: string]> = [
  ['sweep_runs', 'sweep_id'],
  ['run_tags', 'tag'],
  ['run_notes'],
];

/**
 * Points `table`'s rows whose `column` is `from` at `to` instead, but for those `to` already has
 * under the same `key` (they stay, naming `from`).
 */
function move(
  db: SqlConnection,
  table: string,
  column: string,
  key: string | undefined,
  to: unknown,
  from: unknown,
) {
  const free = key ? ` AND ${key} NOT IN (SELECT ${key} FROM ${table} WHERE ${column} = ?1)` : '';
  return db.run(`UPDATE ${table} SET ${column} = ?1 WHERE ${column} = ?2${free}`, [to, from]);
}

export async function rewriteStoredConfigs(db: SqlConnection, rewrite: ConfigRewrite): Promise<void> {
  const currentPath = rewrite.path ?? ((path: string) => path);
  // Every table that names a run, and the runs' columns, whatever earlier migrations left.
  const columns = await db.all<{ table_name: string; column_name: string }>(db.dialect.tableColumns);
  const runTables = columns.filter((c) => c.column_name === 'run_id').map((c) => c.table_name);
  const runColumns = columns.filter((c) => c.table_name === 'runs').map((c) => c.column_name);

  const sweeps = await db.all<{ id: number; name: string; config_json: string; varying_json: string }>(
    'SELECT id, name, config_json, varying_json FROM sweeps',
  );
  for (const sweep of sweeps) {
    const config = rewrite.sweep(JSON.parse(sweep.config_json) as Json);
    const hash = hashConfig(config);
    const varying = (JSON.parse(sweep.varying_json) as string[]).map(currentPath);
    const links = await db.all<{ run_id: string }>('SELECT run_id FROM sweep_runs WHERE sweep_id = ?', [
      sweep.id,
    ]);
    for (const link of links) {
      const run = await db.get<{ config_json: string }>('SELECT config_json FROM runs WHERE id = ?', [
        link.run_id,
      ]);
      const runConfig = run && rewrite.run(JSON.parse(run.config_json) as Json);
      const params = Object.fromEntries(varying.map((path) => [path, valueAt(runConfig, path)]));
      await db.run('UPDATE sweep_runs SET params_json = ? WHERE sweep_id = ? AND run_id = ?', [
        JSON.stringify(params),
        sweep.id,
        link.run_id,
      ]);
    }
    const same = await db.get<{ id: number }>(
      'SELECT id FROM sweeps WHERE name = ? AND config_hash = ? AND id <> ?',
      [sweep.name, hash, sweep.id],
    );
    if (same) {
      // A version that differed from another only in what the rewrite fills in: its runs join it.
      await move(db, 'sweep_runs', 'sweep_id', 'run_id', same.id, sweep.id);
      await db.run('DELETE FROM sweep_runs WHERE sweep_id = ?', [sweep.id]);
      await db.run('DELETE FROM sweeps WHERE id = ?', [sweep.id]);
      continue;
    }
    await db.run('UPDATE sweeps SET config_json = ?, config_hash = ?, varying_json = ? WHERE id = ?', [
      JSON.stringify(config),
      hash,
      JSON.stringify(varying),
      sweep.id,
    ]);
  }

  // Runs grouped by their new id, each group in KEEP_ORDER.
  const groups = new Map<string, Array<{ id: string; config: Json }>>();
  const runs = await db.all<{ id: string; config_json: string }>(
    `SELECT id, config_json FROM runs ORDER BY ${KEEP_ORDER}`,
  );
  for (const run of runs) {
    const config = rewrite.run(JSON.parse(run.config_json) as Json);
    const id = hashConfig(config);
    groups.set(id, [...(groups.get(id) ?? []), { id: run.id, config }]);
  }
  for (const [id, [kept, ...duplicates]] of groups) {
    // Duplicates go first: one of them may hold the new id already (its config was current).
    for (const duplicate of duplicates) {
      for (const [table, key] of FOLLOWS_THE_RUN.filter(([name]) => runTables.includes(name)))
        await move(db, table, 'run_id', key, kept.id, duplicate.id);
      for (const table of runTables) await db.run(`DELETE FROM ${table} WHERE run_id = ?`, [duplicate.id]);
      await db.run('DELETE FROM runs WHERE id = ?', [duplicate.id]);
    }
    if (kept.id !== id) {
      const copy = runColumns.map((column) => (column === 'id' ? '?1' : column));
      await db.run(
        `INSERT INTO runs (${runColumns.join(', ')}) SELECT ${copy.join(', ')} FROM runs WHERE id = ?2`,
        [id, kept.id],
      );
      for (const table of runTables)
        await db.run(`UPDATE ${table} SET run_id = ? WHERE run_id = ?`, [id, kept.id]);
      await db.run('DELETE FROM runs WHERE id = ?', [kept.id]);
    }
    const { seed: _seed, ...withoutSeed } = kept.config;
    await db.run('UPDATE runs SET group_id = ?, config_json = ? WHERE id = ?', [
      hashConfig(withoutSeed),
      JSON.stringify(kept.config),
      id,
    ]);
  }
}
