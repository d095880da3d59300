// Schema 1 -> 2, the data half: stored configs take the current optimizer shape. Release 0.1 kept
// every optimizer's fields flat in `train` (a momentum run carried beta1, beta2, rho and eps), with
// `train.optimizer` a bare name; now `train.optimizer` is the rule with its own fields only. A
// run's id hashes its config, so every run is re-keyed, in every table that names it, and the
// sweeps' configs, grid keys, params and hashes follow, so that the same sweep written in today's
// language finds its finished runs instead of training them again.
//
// Which fields belong to which rule is asked of @ablate/layers' optimizer schema, not listed here.
// Two release-0.1 runs that differ only in fields their optimizer ignored are one run now: the
// migration keeps the one with the final result (finished, else diverged, else the oldest) and
// points the other's sweeps at it.
import { OPTIMIZER_FIELDS, optimizerConfig } from '@ablate/layers';
import type { Database } from './database.ts';
import { hashConfig } from './identity.ts';

type Json = Record<string, unknown>;

/** A release-0.1 train section in today's shape; an already current one is returned as it is. */
function currentTrain(train: Json): Json {
  if (typeof train.optimizer !== 'string') return train;
  const rest: Json = {};
  const fields: Json = {};
  for (const [key, value] of Object.entries(train)) {
    if (key === 'optimizer') continue;
    if (OPTIMIZER_FIELDS.includes(key)) fields[key] = value;
    else rest[key] = value;
  }
  // Keep the fields the rule reads, dropping the ones it ignored.
  const name = train.optimizer;
  const own = Object.fromEntries(
    Object.entries(fields).filter(
      ([key, value]) => optimizerConfig.safeParse({ name, [key]: value }).success,
    ),
  );
  return { ...rest, optimizer: optimizerConfig.parse({ name, ...own }) };
}

/** A stored run config (JSON text) in today's shape. */
function currentRunConfig(configJson: string): Json & { seed: number } {
  const config = JSON.parse(configJson) as Json & { train: Json; seed: number };
  return { ...config, train: currentTrain(config.train) };
}

/** A dotted path as today's config spells it: "train.momentum" -> "train.optimizer.momentum". */
function currentPath(path: string): string {
  const [head, field, ...tail] = path.split('.');
  return head === 'train' && tail.length === 0 && field !== undefined && OPTIMIZER_FIELDS.includes(field)
    ? `train.optimizer.${field}`
    : path;
}

const renameKeys = (map: Json): Json =>
  Object.fromEntries(Object.entries(map).map(([key, value]) => [currentPath(key), value]));

function valueAt(config: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node as Json | undefined)?.[key], config);
}

/** Final results first: the copy a duplicate is merged into. */
const KEEP_ORDER = "CASE status WHEN 'finished' THEN 0 WHEN 'diverged' THEN 1 ELSE 2 END, created_at, id";

export async function migrateOptimizerConfigs(db: Database): Promise<void> {
  // Every table that names a run, whatever earlier migrations left.
  const runTables = (
    await db.all<{ name: string }>(
      `SELECT m.name FROM sqlite_master m JOIN pragma_table_info(m.name) p
       WHERE m.type = 'table' AND m.name <> 'runs' AND p.name = 'run_id'`,
    )
  ).map((row) => row.name);
  // Children are re-pointed before their parent row exists under its new id.
  await db.exec('PRAGMA defer_foreign_keys = ON');

  const sweeps = await db.all<{ id: number; config_json: string; varying_json: string }>(
    'SELECT id, config_json, varying_json FROM sweeps',
  );
  for (const sweep of sweeps) {
    const config = JSON.parse(sweep.config_json) as Json & { train: Json; sweep: Json };
    const grid = config.sweep as { grid?: Json; link?: Json[]; exclude?: Json[] };
    const current = {
      ...config,
      train: currentTrain(config.train),
      sweep: {
        ...grid,
        grid: renameKeys(grid.grid ?? {}),
        link: (grid.link ?? []).map(renameKeys),
        exclude: (grid.exclude ?? []).map(renameKeys),
      },
    };
    const varying = (JSON.parse(sweep.varying_json) as string[]).map(currentPath);
    await db.run('UPDATE sweeps SET config_json = ?, config_hash = ?, varying_json = ? WHERE id = ?', [
      JSON.stringify(current),
      hashConfig(current),
      JSON.stringify(varying),
      sweep.id,
    ]);
    const links = await db.all<{ run_id: string }>('SELECT run_id FROM sweep_runs WHERE sweep_id = ?', [
      sweep.id,
    ]);
    for (const link of links) {
      const run = await db.get<{ config_json: string }>('SELECT config_json FROM runs WHERE id = ?', [
        link.run_id,
      ]);
      const runConfig = run && currentRunConfig(run.config_json);
      const params = Object.fromEntries(varying.map((path) => [path, valueAt(runConfig, path)]));
      await db.run('UPDATE sweep_runs SET params_json = ? WHERE sweep_id = ? AND run_id = ?', [
        JSON.stringify(params),
        sweep.id,
        link.run_id,
      ]);
    }
  }

  const runs = await db.all<{ id: string; config_json: string }>(
    `SELECT id, config_json FROM runs ORDER BY ${KEEP_ORDER}`,
  );
  const kept = new Set<string>();
  for (const run of runs) {
    const config = currentRunConfig(run.config_json);
    const { seed: _seed, ...withoutSeed } = config;
    const id = hashConfig(config);
    if (kept.has(id)) {
      // The same run under another release-0.1 id: its sweeps now point at the kept one.
      await db.run('UPDATE OR IGNORE sweep_runs SET run_id = ? WHERE run_id = ?', [id, run.id]);
      for (const table of runTables) await db.run(`DELETE FROM ${table} WHERE run_id = ?`, [run.id]);
      await db.run('DELETE FROM runs WHERE id = ?', [run.id]);
      continue;
    }
    kept.add(id);
    for (const table of runTables)
      await db.run(`UPDATE ${table} SET run_id = ? WHERE run_id = ?`, [id, run.id]);
    await db.run('UPDATE runs SET id = ?, group_id = ?, config_json = ? WHERE id = ?', [
      id,
      hashConfig(withoutSeed),
      JSON.stringify(config),
      run.id,
    ]);
  }
}
