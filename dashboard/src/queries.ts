// Every SQL statement the dashboard runs, each short (a read transaction per statement, so a sweep
// writing the same WAL database is never held up) and bound by parameters.
import type {
  Database,
  EpochRow,
  LayerStatsRow,
  RunRow,
  RunSummaryRow,
  SweepRow,
  TestResultRow,
  WeightsRow,
} from '@ablate/runner/schema';
import type { EpochMetric } from './metrics.ts';

type SweepListRow = Pick<SweepRow, 'id' | 'name' | 'created_at' | 'updated_at' | 'varying_json'>;

export function listSweeps(db: Database): Promise<SweepListRow[]> {
  return db.all(
    'SELECT id, name, created_at, updated_at, varying_json FROM sweeps ORDER BY created_at DESC, id DESC',
  );
}

export function statusCounts(db: Database): Promise<Array<{ sweep_id: number; status: string; n: number }>> {
  return db.all(
    `SELECT sr.sweep_id, r.status, COUNT(*) AS n
       FROM sweep_runs sr JOIN runs r ON r.id = sr.run_id
      GROUP BY sr.sweep_id, r.status`,
  );
}

export type RankedRunRow = Pick<RunSummaryRow, 'best_val_acc' | 'test_acc' | 'final_train_acc'> & {
  sweep_id: number;
  run_id: string;
  label: string;
};

/** Every run of every sweep with the metrics that rank runs (metrics.RANKING_METRICS). */
export function rankedRuns(db: Database): Promise<RankedRunRow[]> {
  return db.all(
    `SELECT sr.sweep_id, r.id AS run_id, r.label, s.best_val_acc, s.test_acc, s.final_train_acc
       FROM sweep_runs sr JOIN runs r ON r.id = sr.run_id JOIN run_summary s ON s.run_id = r.id`,
  );
}

export function getSweep(db: Database, sweepId: number): Promise<SweepRow | undefined> {
  return db.get('SELECT * FROM sweeps WHERE id = ?', [sweepId]);
}

export type SweepRunRow = Omit<RunRow, 'config_json'> &
  Omit<RunSummaryRow, 'run_id'> & { position: number; params_json: string };

export function sweepRuns(db: Database, sweepId: number): Promise<SweepRunRow[]> {
  return db.all(
    `SELECT sr.position, sr.params_json,
            r.id, r.group_id, r.seed, r.label, r.status, r.error, r.epochs_planned, r.epochs_done,
            r.diverged_epoch, r.data_fingerprint, r.code_version, r.ablate_version, r.kernels,
            r.created_at, r.started_at, r.finished_at, r.wall_seconds,
            s.final_train_loss, s.final_train_acc, s.final_val_loss, s.final_val_acc,
            s.best_val_loss, s.best_val_acc, s.best_epoch, s.test_loss, s.test_acc
       FROM sweep_runs sr
       JOIN runs r ON r.id = sr.run_id
       LEFT JOIN run_summary s ON s.run_id = r.id
      WHERE sr.sweep_id = ?
      ORDER BY sr.position`,
    [sweepId],
  );
}

export function getRun(db: Database, runId: string): Promise<RunRow | undefined> {
  return db.get('SELECT * FROM runs WHERE id = ?', [runId]);
}

export function runSummary(db: Database, runId: string): Promise<RunSummaryRow | undefined> {
  return db.get('SELECT * FROM run_summary WHERE run_id = ?', [runId]);
}

export function testResult(db: Database, runId: string): Promise<TestResultRow | undefined> {
  return db.get('SELECT * FROM test_results WHERE run_id = ?', [runId]);
}

export function runWeights(db: Database, runId: string): Promise<WeightsRow | undefined> {
  return db.get('SELECT * FROM weights WHERE run_id = ?', [runId]);
}

export function sweepsOfRun(
  db: Database,
  runId: string,
): Promise<Array<{ sweep_id: number; name: string; params_json: string }>> {
  return db.all(
    `SELECT sr.sweep_id, s.name, sr.params_json
       FROM sweep_runs sr JOIN sweeps s ON s.id = sr.sweep_id
      WHERE sr.run_id = ? ORDER BY sr.sweep_id`,
    [runId],
  );
}

/** The ids among runIds that exist. */
export async function existingRunIds(db: Database, runIds: string[]): Promise<Set<string>> {
  const rows = await db.all<{ id: string }>(
    `SELECT id FROM runs WHERE id IN (${placeholders(runIds)})`,
    runIds,
  );
  return new Set(rows.map((row) => row.id));
}

export function epochsOfRuns(db: Database, runIds: string[]): Promise<EpochRow[]> {
  return db.all(
    `SELECT * FROM epochs WHERE run_id IN (${placeholders(runIds)}) ORDER BY run_id, epoch`,
    runIds,
  );
}

export function epochsOfSweep(db: Database, sweepId: number): Promise<EpochRow[]> {
  return db.all(
    `SELECT e.* FROM epochs e JOIN sweep_runs sr ON sr.run_id = e.run_id
      WHERE sr.sweep_id = ? ORDER BY sr.position, e.epoch`,
    [sweepId],
  );
}

/** How many of a sweep's epochs have a value of each metric (none of val_*: no validation set). */
export async function epochMetricCounts(db: Database, sweepId: number): Promise<Record<EpochMetric, number>> {
  const row = await db.get<Record<EpochMetric, number>>(
    `SELECT COUNT(e.train_loss) AS train_loss, COUNT(e.train_acc) AS train_acc,
            COUNT(e.val_loss) AS val_loss, COUNT(e.val_acc) AS val_acc,
            COUNT(e.lr) AS lr, COUNT(e.seconds) AS seconds
       FROM epochs e JOIN sweep_runs sr ON sr.run_id = e.run_id
      WHERE sr.sweep_id = ?`,
    [sweepId],
  );
  return row!;
}

export function layerStats(db: Database, runId: string): Promise<LayerStatsRow[]> {
  return db.all('SELECT * FROM layer_stats WHERE run_id = ? ORDER BY layer, epoch', [runId]);
}

/** The epochs at which some run of the sweep has layer statistics, ascending. */
export async function layerStatEpochsOfSweep(db: Database, sweepId: number): Promise<number[]> {
  const rows = await db.all<{ epoch: number }>(
    `SELECT DISTINCT ls.epoch FROM layer_stats ls JOIN sweep_runs sr ON sr.run_id = ls.run_id
      WHERE sr.sweep_id = ? ORDER BY ls.epoch`,
    [sweepId],
  );
  return rows.map((row) => row.epoch);
}

/** Every layer's statistics of the sweep's runs at one epoch. */
export function layerStatsOfSweep(db: Database, sweepId: number, epoch: number): Promise<LayerStatsRow[]> {
  return db.all(
    `SELECT ls.* FROM layer_stats ls JOIN sweep_runs sr ON sr.run_id = ls.run_id
      WHERE sr.sweep_id = ? AND ls.epoch = ? ORDER BY sr.position, ls.layer`,
    [sweepId, epoch],
  );
}

/**
 * A cheap fingerprint of what a page could be showing: it changes whenever a run changes status,
 * an epoch is written or a sweep is added. Reads only indexes and the small runs table.
 */
export async function changeSignature(db: Database, sweepId: number | null): Promise<string> {
  const row =
    sweepId === null
      ? await db.get(
          `SELECT (SELECT COUNT(*) || ':' || IFNULL(MAX(updated_at), '') FROM sweeps) AS sweeps,
                  (SELECT COUNT(*) || ':' || IFNULL(SUM(epochs_done), 0) || ':' || IFNULL(GROUP_CONCAT(status), '') FROM runs) AS runs`,
        )
      : await db.get(
          `SELECT (SELECT COUNT(*) FROM epochs e JOIN sweep_runs sr ON sr.run_id = e.run_id WHERE sr.sweep_id = ?1) AS epochs,
                  (SELECT IFNULL(SUM(r.epochs_done), 0) || ':' || IFNULL(GROUP_CONCAT(r.status), '')
                     FROM sweep_runs sr JOIN runs r ON r.id = sr.run_id WHERE sr.sweep_id = ?1) AS runs`,
          [sweepId],
        );
  return JSON.stringify(row);
}

/** "?, ?, ?" for a list bound as parameters (the list length is ours, the values are bound). */
function placeholders(values: unknown[]): string {
  return values.map(() => '?').join(', ');
}
