// The results store's reads (ResultsReader, store.ts), on SQLite and PostgreSQL alike: each one short
// statement (a read transaction per statement, so a sweep writing the same database is never held
// up), bound by parameters, in the SQL both engines share (sql.ts names where they part). Final,
// best and ranked values come from the derived views of tables.ts.
import type { Evaluation } from '@ablate/layers';
import {
  EPOCH_METRICS,
  RUN_RESULTS,
  type PruneRecord,
  type BestRun,
  type Continuation,
  type EpochMetric,
  type PlannedRunRecord,
  type RunRecord,
  type RunNote,
  type RunProvenance,
  type RunResults,
  type RunStatus,
  type StoredEpoch,
  type StoredLayerStats,
  type SweepListing,
  type SweepRecord,
  type SweepRun,
  type SweepVersion,
  type WeightsRecord,
} from './records.ts';
import type { SqlConnection } from './sql.ts';
import type { ResultsReader } from './store.ts';
import type { RunResultsRow, RunRow, SweepRow, TestResultRow, WeightsRow } from './tables.ts';
import { decodeWeights } from './weights-blob.ts';
import { ENDED_STATUSES, EVALUATED_STATUSES } from '../view/statuses.js';

/** Statuses as an SQL list: 'finished', 'stalled'. */
export const sqlList = (statuses: readonly string[]) => statuses.map((status) => `'${status}'`).join(', ');

/**
 * The checkpoints a run may continue from (`columns` of them): the last ones of the evaluated
 * (finished or stalled) runs of its lineage that trained fewer epochs than it plans, on the same
 * kernel set; the first, in this order, is the one it continues. Parameters: ?1 the kernel set, ?2
 * the lineage, ?3 the run's id, ?4 the epochs it plans. A run that early stopping or the stall rule
 * ended continues too: the longer run stops where it did (exec/train.ts), stalled as it was.
 */
export function continuable(columns: string): string {
  return `SELECT ${columns} FROM checkpoints c JOIN runs r ON r.id = c.run_id
           WHERE r.status IN (${sqlList(EVALUATED_STATUSES)}) AND c.epoch = r.epochs_done AND c.kernels = ?1
             AND r.lineage = ?2 AND r.id <> ?3 AND c.epoch < ?4`;
}
export const CONTINUED_FIRST = 'ORDER BY c.epoch DESC, c.run_id LIMIT 1';

function toSweepRecord(row: SweepRow): SweepRecord {
  return {
    id: row.id,
    name: row.name,
    configHash: row.config_hash,
    configPath: row.config_path,
    configYaml: row.config_yaml,
    config: JSON.parse(row.config_json),
    varying: JSON.parse(row.varying_json) as string[],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    // Absent before schema version 3.
    kernels: row.kernels ?? null,
    dataFingerprints: row.data_fingerprints_json
      ? (JSON.parse(row.data_fingerprints_json) as Record<string, string>)
      : null,
  };
}

type SweepRunRow = Omit<RunRow, 'config_json' | 'created_at' | 'data_fingerprint'> &
  RunResultsRow & { params_json: string; rank: number | null; tags: string | null };

function toSweepRun(row: SweepRunRow): SweepRun {
  const { best_epoch, ...results } = pickResults(row);
  return {
    id: row.id,
    label: row.label,
    groupId: row.group_id,
    seed: row.seed,
    status: row.status,
    error: row.error,
    params: JSON.parse(row.params_json) as Record<string, unknown>,
    epochsPlanned: row.epochs_planned,
    epochsDone: row.epochs_done,
    divergedEpoch: row.diverged_epoch,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    wallSeconds: row.wall_seconds,
    bestEpoch: best_epoch,
    rank: row.rank,
    // Tags are single words (TAG_PATTERN), so a space separates them.
    tags: row.tags ? row.tags.split(' ') : [],
    results,
  };
}

function pickResults(row: RunResultsRow): RunResults & { best_epoch: number | null } {
  const results = Object.fromEntries(RUN_RESULTS.map((name) => [name, row[name]])) as RunResults;
  return { ...results, best_epoch: row.best_epoch };
}

/** The read half of either store, over its connection; a list is bound as one JSON parameter (inList). */
export class SqlReads implements Omit<ResultsReader, 'close'> {
  constructor(protected readonly db: SqlConnection) {}

  private get inList(): string {
    return this.db.dialect.inList;
  }

  async sweepList(): Promise<SweepListing[]> {
    const [sweeps, counts, best] = await Promise.all([
      this.db.all<SweepRow>('SELECT * FROM sweeps ORDER BY created_at DESC, id DESC'),
      this.db.all<{ sweep_id: number; status: RunStatus; n: number }>(
        `SELECT sr.sweep_id, r.status, COUNT(*) AS n FROM sweep_runs sr JOIN runs r ON r.id = sr.run_id
          GROUP BY sr.sweep_id, r.status`,
      ),
      this.db.all<{
        sweep_id: number;
        run_id: string;
        label: string;
        metric: BestRun['metric'];
        value: number;
      }>(
        `SELECT k.sweep_id, k.run_id, r.label, k.metric, k.value FROM ranked_runs k JOIN runs r ON r.id = k.run_id
          WHERE k.rank = 1`,
      ),
    ]);
    return sweeps.map((sweep) => {
      const own = counts.filter((row) => row.sweep_id === sweep.id);
      const top = best.find((row) => row.sweep_id === sweep.id);
      return {
        id: sweep.id,
        name: sweep.name,
        createdAt: sweep.created_at,
        updatedAt: sweep.updated_at,
        varying: JSON.parse(sweep.varying_json) as string[],
        runCount: own.reduce((sum, row) => sum + row.n, 0),
        statusCounts: Object.fromEntries(own.map((row) => [row.status, row.n])),
        best: top ? { runId: top.run_id, label: top.label, metric: top.metric, value: top.value } : null,
      };
    });
  }

  async sweepsNamed(name: string): Promise<SweepVersion[]> {
    const rows = await this.db.all<Pick<SweepRow, 'id' | 'config_hash' | 'config_json'>>(
      'SELECT id, config_hash, config_json FROM sweeps WHERE name = ? ORDER BY id',
      [name],
    );
    return rows.map((row) => ({
      id: row.id,
      configHash: row.config_hash,
      config: JSON.parse(row.config_json),
    }));
  }

  async sweep(sweepId: number): Promise<SweepRecord | null> {
    const row = await this.db.get<SweepRow>('SELECT * FROM sweeps WHERE id = ?', [sweepId]);
    return row ? toSweepRecord(row) : null;
  }

  async sweepRuns(sweepId: number): Promise<SweepRun[]> {
    const rows = await this.db.all<SweepRunRow>(
      `SELECT sr.params_json, r.id, r.group_id, r.seed, r.label, r.status, r.error, r.epochs_planned,
              r.epochs_done, r.diverged_epoch, r.code_version, r.ablate_version, r.kernels, r.started_at,
              r.finished_at, r.wall_seconds, rr.*, k.rank,
              (SELECT string_agg(t.tag, ' ' ORDER BY t.tag) FROM run_tags t WHERE t.run_id = r.id) AS tags
         FROM sweep_runs sr
         JOIN runs r ON r.id = sr.run_id
         JOIN run_results rr ON rr.run_id = sr.run_id
         LEFT JOIN ranked_runs k ON k.sweep_id = sr.sweep_id AND k.run_id = sr.run_id
        WHERE sr.sweep_id = ?
        ORDER BY sr.position`,
      [sweepId],
    );
    return rows.map(toSweepRun);
  }

  provenanceOfSweep(sweepId: number): Promise<RunProvenance[]> {
    return this.db.all<RunProvenance>(
      `SELECT r.id, r.code_version, r.ablate_version, r.data_fingerprint, r.kernels
         FROM sweep_runs sr JOIN runs r ON r.id = sr.run_id
        WHERE sr.sweep_id = ?
        ORDER BY sr.position`,
      [sweepId],
    );
  }

  async epochMetricCounts(sweepId: number): Promise<Record<EpochMetric, number>> {
    const counts = EPOCH_METRICS.map((metric) => `COUNT(e.${metric}) AS ${metric}`).join(', ');
    const row = await this.db.get<Record<EpochMetric, number>>(
      `SELECT ${counts} FROM epochs e JOIN sweep_runs sr ON sr.run_id = e.run_id WHERE sr.sweep_id = ?`,
      [sweepId],
    );
    return row!;
  }

  epochsOfSweep(sweepId: number): Promise<StoredEpoch[]> {
    return this.db.all(
      `SELECT e.* FROM epochs e JOIN sweep_runs sr ON sr.run_id = e.run_id
        WHERE sr.sweep_id = ? ORDER BY sr.position, e.epoch`,
      [sweepId],
    );
  }

  async layerStatEpochs(sweepId: number): Promise<number[]> {
    const rows = await this.db.all<{ epoch: number }>(
      `SELECT DISTINCT ls.epoch FROM layer_stats ls JOIN sweep_runs sr ON sr.run_id = ls.run_id
        WHERE sr.sweep_id = ? ORDER BY ls.epoch`,
      [sweepId],
    );
    return rows.map((row) => row.epoch);
  }

  layerStatsOfSweep(sweepId: number, epoch: number): Promise<StoredLayerStats[]> {
    return this.db.all(
      `SELECT ls.* FROM layer_stats ls JOIN sweep_runs sr ON sr.run_id = ls.run_id
        WHERE sr.sweep_id = ? AND ls.epoch = ? ORDER BY sr.position, ls.layer`,
      [sweepId, epoch],
    );
  }

  async continuations(
    runs: ReadonlyArray<Pick<PlannedRunRecord, 'id' | 'lineage' | 'config'>>,
    kernels: string,
  ): Promise<Map<string, Continuation>> {
    const found = new Map<string, Continuation>();
    // A database from before schema version 6 (read as it is) has no checkpoints.
    const tables = await this.db.all<{ table_name: string }>(
      `SELECT DISTINCT table_name FROM (${this.db.dialect.tableColumns}) t WHERE table_name = 'checkpoints'`,
    );
    if (tables.length === 0) return found;
    const done = await this.statuses(runs.map((run) => run.id));
    for (const run of runs) {
      if (run.lineage === null || (ENDED_STATUSES as readonly string[]).includes(done.get(run.id) ?? ''))
        continue;
      const row = await this.db.get<{ run_id: string; epoch: number }>(
        `${continuable('c.run_id, c.epoch')} ${CONTINUED_FIRST}`,
        [kernels, run.lineage, run.id, run.config.train.epochs],
      );
      if (row) found.set(run.id, { from: row.run_id, epochs: row.epoch });
    }
    return found;
  }

  async run(runId: string): Promise<RunRecord | null> {
    const row = await this.db.get<RunRow>('SELECT * FROM runs WHERE id = ?', [runId]);
    if (!row) return null;
    const { config_json, ...columns } = row;
    // continued_from is absent before schema version 6.
    return { ...columns, continued_from: columns.continued_from ?? null, config: JSON.parse(config_json) };
  }

  async pruneDecision(runId: string): Promise<PruneRecord | null> {
    // Only a pruned run has one, and only a pruned run's is asked for: a database from before
    // version 8 (no such table) has none.
    const run = await this.db.get<{ status: string }>('SELECT status FROM runs WHERE id = ?', [runId]);
    if (run?.status !== 'pruned') return null;
    const row = await this.db.get<PruneRecord>(
      'SELECT rule, metric, rung, value, threshold FROM prune_decisions WHERE run_id = ?',
      [runId],
    );
    return row ?? null;
  }

  async pruneDecisionsOfSweep(sweepId: number): Promise<Array<PruneRecord & { run_id: string }>> {
    // A database from before schema version 8 (read as it is) has no prune_decisions table.
    const tables = await this.db.all<{ table_name: string }>(
      `SELECT DISTINCT table_name FROM (${this.db.dialect.tableColumns}) t WHERE table_name = 'prune_decisions'`,
    );
    if (tables.length === 0) return [];
    return this.db.all(
      `SELECT p.run_id, p.rule, p.metric, p.rung, p.value, p.threshold
         FROM prune_decisions p JOIN sweep_runs sr ON sr.run_id = p.run_id
        WHERE sr.sweep_id = ? ORDER BY sr.position`,
      [sweepId],
    );
  }

  async runResults(runId: string): Promise<(RunResults & { best_epoch: number | null }) | null> {
    const row = await this.db.get<RunResultsRow>('SELECT * FROM run_results WHERE run_id = ?', [runId]);
    return row ? pickResults(row) : null;
  }

  async testResult(runId: string): Promise<Evaluation | null> {
    const row = await this.db.get<TestResultRow>('SELECT * FROM test_results WHERE run_id = ?', [runId]);
    return row
      ? {
          loss: row.loss ?? NaN,
          accuracy: row.accuracy,
          confusion: JSON.parse(row.confusion_json) as Evaluation['confusion'],
          perClass: JSON.parse(row.per_class_json) as Evaluation['perClass'],
        }
      : null;
  }

  async sweepsOfRun(
    runId: string,
  ): Promise<Array<{ id: number; name: string; params: Record<string, unknown> }>> {
    const rows = await this.db.all<{ sweep_id: number; name: string; params_json: string }>(
      `SELECT sr.sweep_id, s.name, sr.params_json FROM sweep_runs sr JOIN sweeps s ON s.id = sr.sweep_id
        WHERE sr.run_id = ? ORDER BY sr.sweep_id`,
      [runId],
    );
    return rows.map((row) => ({ id: row.sweep_id, name: row.name, params: JSON.parse(row.params_json) }));
  }

  async knownRuns(runIds: readonly string[]): Promise<Set<string>> {
    const rows = await this.db.all<{ id: string }>(`SELECT id FROM runs WHERE id IN (${this.inList})`, [
      JSON.stringify(runIds),
    ]);
    return new Set(rows.map((row) => row.id));
  }

  epochsOfRuns(runIds: readonly string[]): Promise<StoredEpoch[]> {
    return this.db.all(`SELECT * FROM epochs WHERE run_id IN (${this.inList}) ORDER BY run_id, epoch`, [
      JSON.stringify(runIds),
    ]);
  }

  layerStatsOfRun(runId: string): Promise<StoredLayerStats[]> {
    return this.db.all('SELECT * FROM layer_stats WHERE run_id = ? ORDER BY layer, epoch', [runId]);
  }

  async loadWeights(runId: string): Promise<WeightsRecord | null> {
    const row = await this.db.get<WeightsRow>('SELECT shapes_json, data FROM weights WHERE run_id = ?', [
      runId,
    ]);
    return row ? { shapes: JSON.parse(row.shapes_json), data: decodeWeights(row.data) } : null;
  }

  async statuses(runIds: readonly string[]): Promise<Map<string, RunStatus>> {
    const rows = await this.db.all<{ id: string; status: RunStatus }>(
      `SELECT id, status FROM runs WHERE id IN (${this.inList})`,
      [JSON.stringify(runIds)],
    );
    return new Map(rows.map((row) => [row.id, row.status]));
  }

  /** Reads only indexes and the small runs table. */
  async changeToken(sweepId: number | null): Promise<string> {
    const row =
      sweepId === null
        ? await this.db.get(
            `SELECT (SELECT COUNT(*) || ':' || COALESCE(MAX(updated_at), '') FROM sweeps) AS sweeps,
                    (SELECT COUNT(*) || ':' || COALESCE(SUM(epochs_done), 0) || ':' || COALESCE(string_agg(status, ',' ORDER BY id), '') FROM runs) AS runs`,
          )
        : await this.db.get(
            `SELECT (SELECT COUNT(*) FROM epochs e JOIN sweep_runs sr ON sr.run_id = e.run_id WHERE sr.sweep_id = ?1) AS epochs,
                    (SELECT COALESCE(SUM(r.epochs_done), 0) || ':' || COALESCE(string_agg(r.status, ',' ORDER BY sr.position), '')
                       FROM sweep_runs sr JOIN runs r ON r.id = sr.run_id WHERE sr.sweep_id = ?1) AS runs,
                    (SELECT updated_at FROM sweeps WHERE id = ?1) AS updated,
                    (SELECT COUNT(*) || ':' || COALESCE(string_agg(t.run_id || t.tag, ',' ORDER BY t.run_id, t.tag), '')
                       FROM run_tags t JOIN sweep_runs sr ON sr.run_id = t.run_id WHERE sr.sweep_id = ?1) AS tags,
                    (SELECT COUNT(*) FROM run_notes n JOIN sweep_runs sr ON sr.run_id = n.run_id WHERE sr.sweep_id = ?1) AS notes`,
            [sweepId],
          );
    return JSON.stringify(row);
  }

  async runsByPrefix(prefix: string): Promise<string[]> {
    // A prefix is hex digits (checked by the caller), so it holds no LIKE wildcard.
    const rows = await this.db.all<{ id: string }>("SELECT id FROM runs WHERE id LIKE ? || '%' ORDER BY id", [
      prefix,
    ]);
    return rows.map((row) => row.id);
  }

  async tags(runId: string): Promise<string[]> {
    const rows = await this.db.all<{ tag: string }>(
      'SELECT tag FROM run_tags WHERE run_id = ? ORDER BY tag',
      [runId],
    );
    return rows.map((row) => row.tag);
  }

  async notes(runId: string): Promise<RunNote[]> {
    return this.db.all<RunNote>(
      'SELECT text, created_at AS "createdAt" FROM run_notes WHERE run_id = ? ORDER BY created_at, id',
      [runId],
    );
  }
}
