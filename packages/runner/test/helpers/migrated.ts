// What the migration tests share: the fixtures, a rerun that must train nothing, and what a
// schema-3 database with spirals and CSV runs (fixtures/data-defaults.db, and its PostgreSQL dump)
// holds once migrated, asked of either engine through the same three questions.
import path from 'node:path';
import { expect } from 'vitest';
import type { GroupSummary } from '../../src/sweep/seed-groups.ts';
import { runCli } from './cli.ts';

export const fixture = (name: string) => path.join(import.meta.dirname, '..', 'fixtures', name);

/** Reruns each sweep file on the database (a path or a URL): each must find all its runs done. */
export async function expectRerunsTrainNothing(
  db: string,
  files: ReadonlyArray<readonly [file: string, runs: number]>,
): Promise<void> {
  for (const [file, runs] of files) {
    const result = await runCli(['sweep', fixture(file), '--db', db]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`trained nothing; ${runs} already done`);
  }
}

/** The sweep files of fixtures/data-defaults.db, and how many runs each has. */
export const DATA_DEFAULTS_SWEEPS = [
  ['data-defaults-spirals.yaml', 4],
  ['data-defaults-spirals-explicit.yaml', 4],
  ['data-defaults-csv.yaml', 2],
] as const;

export interface MigratedDatabase {
  /** How many rows a query returns. */
  count(sql: string): Promise<number>;
  /** The data sources stored in a table's configs. */
  sources(table: 'runs' | 'sweeps'): Promise<Array<{ kind: string }>>;
  /** The data specs the sweeps recorded fingerprints under, in sweep order. */
  fingerprintSpecs(): Promise<string[]>;
}

/** fixtures/data-defaults.db's contents once migrated (3 -> 4) and its sweeps rerun. */
export async function expectDataDefaultsMigrated(db: MigratedDatabase): Promise<void> {
  // The two spirals versions trained the same 4 runs under other ids: one run each now, the
  // first trained kept with its epochs (3 each), weights, tag and note.
  expect(await db.count("SELECT * FROM runs WHERE status = 'finished'")).toBe(6);
  expect(await db.count('SELECT * FROM runs')).toBe(6);
  expect(await db.count('SELECT * FROM epochs')).toBe(4 * 3 + 2 * 2);
  expect(await db.count('SELECT * FROM weights')).toBe(6);
  expect(await db.count('SELECT * FROM sweeps')).toBe(2);
  expect(await db.count('SELECT * FROM sweep_runs')).toBe(6);
  expect(await db.count('SELECT * FROM run_tags JOIN runs ON runs.id = run_id')).toBe(2);
  expect(await db.count('SELECT * FROM run_notes JOIN runs ON runs.id = run_id')).toBe(1);

  const spirals = { kind: 'spirals', points: 100, classes: 2, noise: 0.2 };
  const csv = { kind: 'csv', train: fixture('data-defaults.csv'), labelColumn: 0, testFraction: 0.2 };
  for (const table of ['runs', 'sweeps'] as const)
    for (const source of await db.sources(table))
      expect(source).toEqual(source.kind === 'csv' ? csv : spirals);
  // The fingerprints recorded for a spec without the defaults were dropped by the migration and
  // recorded again, under the spec as it is now, by the rerun.
  const specs = await db.fingerprintSpecs();
  expect(specs.map((spec) => (JSON.parse(spec) as { source: unknown }).source)).toEqual([spirals, csv]);
}

/**
 * The sweep files of fixtures/lr-decay.db (schema version 4, written with train.lrDecay) in
 * today's language, and how many runs each has.
 */
export const LR_DECAY_SWEEPS = [
  ['lr-decay-rewritten.yaml', 4],
  ['lr-decay-grid-rewritten.yaml', 2],
] as const;

/** fixtures/lr-decay.db's contents once migrated (4 -> 5) and its sweeps rerun. */
export async function expectLrDecayMigrated(db: Pick<MigratedDatabase, 'count'>): Promise<void> {
  // Every run kept under its new id, with its epochs (3 each), weights, tag and note.
  expect(await db.count("SELECT * FROM runs WHERE status = 'finished'")).toBe(6);
  expect(await db.count('SELECT * FROM runs')).toBe(6);
  expect(await db.count('SELECT * FROM epochs')).toBe(6 * 3);
  expect(await db.count('SELECT * FROM weights')).toBe(6);
  expect(await db.count('SELECT * FROM sweeps')).toBe(2);
  expect(await db.count('SELECT * FROM sweep_runs')).toBe(6);
  // No config says lrDecay any more; each says its schedule, the tagged lrDecay-1 run a constant one.
  for (const table of ['runs', 'sweeps'])
    expect(await db.count(`SELECT * FROM ${table} WHERE config_json LIKE '%lrDecay%'`)).toBe(0);
  const withSchedule = (json: string) => `SELECT * FROM runs WHERE config_json LIKE '%"schedule":${json}%'`;
  expect(await db.count(withSchedule('{"name":"exponential","gamma":0.9,"warmupEpochs":0}'))).toBe(4);
  expect(await db.count(withSchedule('{"name":"exponential","gamma":0.8,"warmupEpochs":0}'))).toBe(1);
  expect(
    await db.count(
      `SELECT * FROM run_tags JOIN (${withSchedule('{"name":"constant","warmupEpochs":0}')}) runs ON runs.id = run_id WHERE tag = 'constant'`,
    ),
  ).toBe(1);
  expect(await db.count('SELECT * FROM run_notes JOIN runs ON runs.id = run_id')).toBe(1);
  expect(await db.count('SELECT * FROM sweeps WHERE varying_json = \'["train.schedule","seed"]\'')).toBe(1);
}

/**
 * fixtures/checkpoints-v5.db (and its PostgreSQL dump): a sweep of 4 runs recorded at schema
 * version 5, before checkpoints, 3 finished and the 4th interrupted after 2 of its 3 epochs.
 */
export const CHECKPOINTS_V5_SWEEP = 'checkpoints-v5.yaml';
export const CHECKPOINTS_V5_INTERRUPTED = 'fd2fa6471fb2d8e6';

/**
 * Reruns fixtures/checkpoints-v5.yaml on the fixture database (a path or a URL): the finished runs
 * are kept, the interrupted one, which has no checkpoint, is trained again from epoch 1, and every
 * run has its 3 epochs once; then a rerun trains nothing.
 */
export async function expectCheckpointsV5Rerun(db: string, count: (sql: string) => Promise<number>) {
  const first = await runCli(['sweep', fixture(CHECKPOINTS_V5_SWEEP), '--db', db]);
  expect(first.code, first.stderr).toBe(0);
  expect(first.stdout).toContain('trained 1 finished; 3 already done');
  expect(await count("SELECT * FROM runs WHERE status = 'finished'")).toBe(4);
  expect(await count('SELECT * FROM epochs')).toBe(4 * 3);
  expect(await count(`SELECT * FROM runs WHERE id = '${CHECKPOINTS_V5_INTERRUPTED}' AND attempt = 2`)).toBe(
    1,
  );
  // Only the run trained since has a checkpoint; every run has its lineage, planned again.
  expect(
    await count(`SELECT * FROM checkpoints WHERE run_id = '${CHECKPOINTS_V5_INTERRUPTED}' AND epoch = 3`),
  ).toBe(1);
  expect(await count('SELECT * FROM checkpoints')).toBe(1);
  expect(await count('SELECT * FROM runs WHERE lineage IS NULL')).toBe(0);
  await expectRerunsTrainNothing(db, [[CHECKPOINTS_V5_SWEEP, 4]]);
}

/** fixtures/stalled-v6.yaml, recorded at schema version 6, and its run whose loss was flat. */
export const STALLED_V6_SWEEP = 'stalled-v6.yaml';
export const STALLED_V6_FLAT = 'd3432dc7ee5920a1';

/**
 * fixtures/stalled-v6.db (or its PostgreSQL dump) once a writer has migrated it to version 7: its
 * rerun trains nothing, every run keeps its status (the flat run stays finished: no verdict was
 * recorded then), the layer statistics recorded before have no values for the new columns, and the
 * runs table takes version 7's statuses and refuses others. `write` runs a statement on the database.
 */
export async function expectStalledV6Migrated(
  db: string,
  count: (sql: string) => Promise<number>,
  write: (sql: string) => Promise<unknown>,
): Promise<void> {
  const layerStats = await count('SELECT * FROM layer_stats');
  expect(layerStats).toBeGreaterThan(0);
  await expectRerunsTrainNothing(db, [[STALLED_V6_SWEEP, 3]]);
  expect(await count("SELECT * FROM runs WHERE status = 'finished'")).toBe(2);
  expect(await count("SELECT * FROM runs WHERE status = 'diverged'")).toBe(1);
  expect(await count(`SELECT * FROM runs WHERE id = '${STALLED_V6_FLAT}' AND status = 'finished'`)).toBe(1);
  expect(await count('SELECT * FROM layer_stats')).toBe(layerStats);
  expect(await count('SELECT * FROM layer_stats WHERE update_ratio IS NULL AND dead_fraction IS NULL')).toBe(
    layerStats,
  );
  // That version recorded no verdict: its flat finished run is diagnosed from its epochs, by the
  // rule for rows without update_ratio and dead_fraction (gradients reach the layers: too small a
  // step); the report counts it finished, as recorded.
  const shown = await runCli(['show', STALLED_V6_FLAT, '--db', db, '--json']);
  const { run, diagnosis } = JSON.parse(shown.stdout);
  expect(run.status).toBe('finished');
  expect(diagnosis).toMatchObject({ cause: 'too small a step', statistic: { name: 'grad_std' } });
  const rerun = await runCli(['sweep', fixture(STALLED_V6_SWEEP), '--db', db, '--json']);
  const { groups } = (JSON.parse(rerun.stdout) as { summary: { groups: GroupSummary[] } }).summary;
  expect(groups.map((group) => [group.finished, group.stalled, group.diverged])).toEqual([
    [1, 0, 0],
    [1, 0, 0],
    [0, 0, 1],
  ]);
  for (const status of ['stalled', 'pruned']) {
    await write(`UPDATE runs SET status = '${status}' WHERE id = '${STALLED_V6_FLAT}'`);
    expect(await count(`SELECT * FROM runs WHERE id = '${STALLED_V6_FLAT}' AND status = '${status}'`)).toBe(
      1,
    );
  }
  await expect(write(`UPDATE runs SET status = 'lost' WHERE id = '${STALLED_V6_FLAT}'`)).rejects.toThrow(
    /check/i,
  );
}
