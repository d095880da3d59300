// The results store's writes, on SQLite and PostgreSQL alike (the engine-specific parts live in
// sqlite-store.ts and postgres-store.ts). Every write of a run is one transaction that first checks,
// and takes a row lock on, the run's current attempt: a writer whose claim was superseded (its
// lease lapsed and another worker claimed the run) writes nothing.
import { hostname } from 'node:os';
import type { LayerStats } from '@ablate/layers';
import type {
  Checkpoint,
  EpochRecord,
  PlannedSweepRecord,
  Provenance,
  RunAttempt,
  RunClaim,
  RunOutcome,
  RunStartRecord,
  RunStatus,
} from './records.ts';
import type { SqlConnection } from './sql.ts';
import { EPOCH_METRICS, LAYER_STATISTICS } from './records.ts';
import { continuable, CONTINUED_FIRST, SqlReads, sqlList } from './sql-reads.ts';
import { ENDED_STATUSES } from '../view/statuses.js';
import { LeaseLostError, type RunAnnotator } from './store.ts';
import { encodeWeights } from './weights-blob.ts';
import { decodeCheckpoint, encodeCheckpoint, type CheckpointRow } from './checkpoint-blob.ts';

/** This process, as runs.claimed_by names it. */
const CLAIMANT = `${hostname()}:${process.pid}`;

/** How long a claim lasts without a commit or a heartbeat, by default. */
export const DEFAULT_LEASE_SECONDS = 30;

/** SQLite has no NaN or Infinity; the schema stores them as NULL (on PostgreSQL too, to read alike). */
function real(value: number | null | undefined): number | null {
  return value !== null && value !== undefined && Number.isFinite(value) ? value : null;
}

export const now = () => new Date().toISOString();

/** The tables holding what a training attempt produced; cleared before a run is trained again from epoch 1. */
const RUN_OUTPUT_TABLES = ['epochs', 'layer_stats', 'test_results', 'weights', 'checkpoints'] as const;

/** The rows of a run's epochs that a longer run continuing it copies as its own, with the epoch. */
const EPOCH_ROWS = [
  ['epochs', ['epoch', ...EPOCH_METRICS]],
  ['layer_stats', ['epoch', 'layer', 'name', ...LAYER_STATISTICS]],
] as const;

/**
 * A checkpoint a run may go on from: taken after its run's last committed epoch (a run that died
 * between committing the epoch it diverged in and recording that has none), on the claimant's
 * kernels and data.
 */
const USABLE_CHECKPOINT = `SELECT c.run_id, c.epoch, c.kernels, c.state_json, c.data
   FROM checkpoints c JOIN runs r ON r.id = c.run_id
  WHERE c.epoch = r.epochs_done AND c.kernels = ?1 AND r.data_fingerprint = ?2`;

/** The runs the claim names, if the claim is still the run's current attempt. */
export const CURRENT_ATTEMPT = "id = ? AND attempt = ? AND status = 'running'";

/** One statement and its parameters. */
export interface Statement {
  sql: string;
  params: unknown[];
}

/** Annotations over any connection; a sweep may be writing the same store meanwhile. */
export function annotator(db: SqlConnection, close: () => Promise<void>): RunAnnotator {
  const annotate = (sql: string, rows: unknown[][]) =>
    db.transaction(async (tx) => {
      for (const params of rows) await tx.run(sql, params);
    });
  return {
    tagRun: (runId, tags) =>
      annotate(
        'INSERT INTO run_tags (run_id, tag) VALUES (?, ?) ON CONFLICT DO NOTHING',
        tags.map((tag) => [runId, tag]),
      ),
    untagRun: (runId, tags) =>
      annotate(
        'DELETE FROM run_tags WHERE run_id = ? AND tag = ?',
        tags.map((tag) => [runId, tag]),
      ),
    noteRun: (runId, text) =>
      annotate('INSERT INTO run_notes (run_id, text, created_at) VALUES (?, ?, ?)', [[runId, text, now()]]),
    close,
  };
}

export abstract class SqlStore extends SqlReads {
  constructor(
    db: SqlConnection,
    protected readonly leaseSeconds: number,
  ) {
    super(db);
  }

  /**
   * Runs fn as one write transaction; writes naming the same run apply in the order they were
   * issued (an epoch before the next, the last epoch before the run's end).
   */
  protected abstract write<T>(fn: (tx: SqlConnection) => Promise<T>, runId?: string): Promise<T>;

  /** The lease a claim gets now, by the database clock. */
  protected get leaseEnd(): string {
    return `${this.db.dialect.nowSeconds} + ?`;
  }

  /**
   * Records a sweep version (or touches the existing row of the same name and hash) with all its
   * runs: new runs are inserted as pending, runs already known (from this sweep or another) are
   * only linked, so a shared run is never trained twice. Its failed runs are to be tried again.
   */
  planSweep(plan: PlannedSweepRecord, provenance: Provenance): Promise<number> {
    return this.write(async (tx) => {
      const at = now();
      const sweep = await tx.get<{ id: number }>(
        `INSERT INTO sweeps (name, config_hash, config_path, config_yaml, config_json, varying_json, created_at, updated_at,
                             ablate_version, code_version, kernels, data_fingerprints_json)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (name, config_hash) DO UPDATE
            SET updated_at = excluded.updated_at, code_version = excluded.code_version,
                data_fingerprints_json = COALESCE(sweeps.data_fingerprints_json, excluded.data_fingerprints_json)
         RETURNING id`,
        [
          plan.name,
          plan.configHash,
          plan.configPath,
          plan.yaml,
          JSON.stringify(plan.config),
          JSON.stringify(plan.varying),
          at,
          at,
          provenance.ablateVersion,
          provenance.codeVersion,
          plan.kernels,
          JSON.stringify(plan.dataFingerprints),
        ],
      );
      const sweepId = sweep!.id;
      for (const run of plan.runs) {
        await tx.run(
          `INSERT INTO runs (id, group_id, seed, label, config_json, status, epochs_planned, ablate_version, code_version, created_at, lineage)
           VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET lineage = excluded.lineage WHERE runs.lineage IS NULL`,
          [
            run.id,
            run.groupId,
            run.seed,
            run.label,
            JSON.stringify(run.config),
            run.config.train.epochs,
            provenance.ablateVersion,
            provenance.codeVersion,
            at,
            // Runs recorded before schema version 6 get theirs when a sweep plans them again.
            run.lineage,
          ],
        );
        await tx.run(
          'INSERT INTO sweep_runs (sweep_id, run_id, position, params_json) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
          [sweepId, run.id, run.position, JSON.stringify(run.params)],
        );
      }
      await tx.run(
        `UPDATE runs SET status = 'pending' WHERE status = 'failed'
            AND id IN (SELECT run_id FROM sweep_runs WHERE sweep_id = ?)`,
        [sweepId],
      );
      return sweepId;
    });
  }

  /**
   * Starts a new attempt at a run the caller has just found claimable (and, on PostgreSQL, locked),
   * and says where it starts: after the run's own last committed epoch when its checkpoint is usable
   * (its rows kept as they are); else after the last epoch of the longest finished run of its
   * lineage that is shorter (its epochs' rows copied as this run's, the run recorded as continued
   * from it); else from epoch 1, whatever an earlier attempt left deleted. A checkpoint of another
   * kernel set or other data is not usable: the run is trained again from epoch 1, so that every
   * epoch of a run comes from one kernel set and one dataset.
   */
  protected async startAttempt(tx: SqlConnection, runId: string, start: RunStartRecord): Promise<RunAttempt> {
    const own = await tx.get<CheckpointRow>(`${USABLE_CHECKPOINT} AND c.run_id = ?3`, [
      start.kernels,
      start.dataFingerprint,
      runId,
    ]);
    const resumed = own !== undefined;
    let from: Checkpoint | null = own ? decodeCheckpoint(own) : null;
    if (!resumed) {
      for (const table of RUN_OUTPUT_TABLES) await tx.run(`DELETE FROM ${table} WHERE run_id = ?`, [runId]);
      from = await this.continueLineage(tx, runId, start);
    }
    // Trained on: a decision that pruned it (a sweep run with --no-prune) no longer stands.
    await tx.run('DELETE FROM prune_decisions WHERE run_id = ?', [runId]);
    const row = await tx.get<{ attempt: number }>(
      `UPDATE runs SET status = 'running', attempt = attempt + 1, lease_expires = ${this.leaseEnd}, claimed_by = ?, error = NULL,
              epochs_done = ?, diverged_epoch = NULL, data_fingerprint = ?, code_version = ?, ablate_version = ?,
              kernels = ?, finished_at = NULL, wall_seconds = NULL, parked_at = NULL,
              started_at = CASE WHEN ? THEN started_at ELSE ? END, continued_from = CASE WHEN ? THEN continued_from ELSE ? END
        WHERE id = ? RETURNING attempt`,
      [
        this.leaseSeconds,
        CLAIMANT,
        from?.epoch ?? 0,
        start.dataFingerprint,
        start.codeVersion,
        start.ablateVersion,
        start.kernels,
        // A resumed run keeps when it started and what it continued from.
        resumed,
        now(),
        resumed,
        from?.continuedFrom ?? null,
        runId,
      ],
    );
    return { claim: { runId, attempt: row!.attempt }, from };
  }

  /**
   * A run of a lineage trained longer than one already finished: the longest such shorter run's
   * last checkpoint and epoch rows become this run's (the computation of those epochs is the same),
   * so only the epochs after it are trained. Null when there is none to continue, on this data.
   */
  private async continueLineage(
    tx: SqlConnection,
    runId: string,
    start: RunStartRecord,
  ): Promise<Checkpoint | null> {
    const run = await tx.get<{ lineage: string | null; epochs_planned: number }>(
      'SELECT lineage, epochs_planned FROM runs WHERE id = ?',
      [runId],
    );
    if (!run?.lineage) return null;
    const source = await tx.get<CheckpointRow & { run_id: string }>(
      `${continuable('c.run_id, c.epoch, c.kernels, c.state_json, c.data')} AND r.data_fingerprint = ?5 ${CONTINUED_FIRST}`,
      [start.kernels, run.lineage, runId, run.epochs_planned, start.dataFingerprint],
    );
    if (!source) return null;
    for (const [table, columns] of EPOCH_ROWS)
      await tx.run(
        `INSERT INTO ${table} (run_id, ${columns.join(', ')}) SELECT ?, ${columns.join(', ')} FROM ${table} WHERE run_id = ?`,
        [runId, source.run_id],
      );
    await tx.run(
      'INSERT INTO checkpoints (run_id, epoch, kernels, state_json, data) SELECT ?, epoch, kernels, state_json, data FROM checkpoints WHERE run_id = ?',
      [runId, source.run_id],
    );
    return { ...decodeCheckpoint(source), continuedFrom: source.run_id };
  }

  claimRun(runId: string, start: RunStartRecord): Promise<RunAttempt | null> {
    return this.write(async (tx) => {
      const claimable = await tx.get(
        `SELECT 1 FROM runs r WHERE r.id = ? AND r.status NOT IN (${sqlList([...ENDED_STATUSES, 'running'])}) ` +
          tx.dialect.claimRows,
        [runId],
      );
      return claimable ? this.startAttempt(tx, runId, start) : null;
    });
  }

  /**
   * Checks the claim is current (locking the run's row until commit) and applies `set` to the run;
   * throws LeaseLostError, writing nothing, when another attempt has taken the run.
   */
  private async holding(tx: SqlConnection, claim: RunClaim, set: string, params: unknown[]): Promise<void> {
    const { changes } = await tx.run(`UPDATE runs SET ${set} WHERE ${CURRENT_ATTEMPT}`, [
      ...params,
      claim.runId,
      claim.attempt,
    ]);
    if (changes === 0)
      throw new LeaseLostError(`run ${claim.runId}: attempt ${claim.attempt} is no longer its current one`);
  }

  /** The statements that record one epoch of a claimed run, after its claim is checked. */
  protected epochRows(claim: RunClaim, epoch: EpochRecord): Statement[] {
    const rows: Statement[] = [
      {
        sql: `INSERT INTO epochs (run_id, epoch, ${EPOCH_METRICS.join(', ')}) VALUES (?, ?, ${EPOCH_METRICS.map(() => '?').join(', ')})`,
        params: [claim.runId, epoch.epoch, ...EPOCH_METRICS.map((metric) => real(epoch[metric]))],
      },
    ];
    const statistics = [
      ...(epoch.initialLayers ?? []).map((layer) => [0, layer] as const),
      ...epoch.layers.map((layer) => [epoch.epoch, layer] as const),
    ];
    // One statement for all of them: a commit is a few round trips to a shared server, not dozens.
    if (statistics.length > 0)
      rows.push({
        sql: `INSERT INTO layer_stats (run_id, epoch, layer, name, ${LAYER_STATISTICS.join(', ')}) VALUES ${statistics
          .map(() => `(?, ?, ?, ?, ${LAYER_STATISTICS.map(() => '?').join(', ')})`)
          .join(', ')}`,
        params: statistics.flatMap(([at, layer]: readonly [number, LayerStats]) => [
          claim.runId,
          at,
          layer.layer,
          layer.name,
          ...LAYER_STATISTICS.map((statistic) => real(layer[statistic])),
        ]),
      });
    if (epoch.checkpoint) {
      const { epoch: at, kernels, state_json, data } = encodeCheckpoint(epoch.checkpoint);
      rows.push({
        sql: `INSERT INTO checkpoints (run_id, epoch, kernels, state_json, data) VALUES (?, ?, ?, ?, ?)
              ON CONFLICT (run_id) DO UPDATE SET epoch = excluded.epoch, kernels = excluded.kernels,
                 state_json = excluded.state_json, data = excluded.data`,
        params: [claim.runId, at, kernels, state_json, data],
      });
    }
    return rows;
  }

  /** What a commit sets on the run: its progress, and a renewed lease. */
  protected epochClaim(epoch: EpochRecord): Statement {
    return {
      sql: `epochs_done = ?, lease_expires = ${this.leaseEnd}`,
      params: [epoch.epoch, this.leaseSeconds],
    };
  }

  commitEpoch(claim: RunClaim, epoch: EpochRecord): Promise<void> {
    return this.write(async (tx) => {
      const { sql, params } = this.epochClaim(epoch);
      await this.holding(tx, claim, sql, params);
      for (const row of this.epochRows(claim, epoch)) await tx.run(row.sql, row.params);
    }, claim.runId);
  }

  finishRun(claim: RunClaim, end: RunOutcome): Promise<void> {
    return this.write(async (tx) => {
      const ended = (status: RunStatus, error: string | null, wallSeconds: number | null) =>
        this.holding(
          tx,
          claim,
          'status = ?, error = ?, finished_at = ?, wall_seconds = ?, lease_expires = NULL',
          [status, error, wallSeconds === null ? null : now(), wallSeconds],
        );
      switch (end.status) {
        // A stalled run is stored as a finished one is (its checkpoint kept too: a longer run of
        // its lineage goes on from it, and stops there).
        case 'finished':
        case 'stalled': {
          const { test, weights, wallSeconds } = end;
          await ended(end.status, null, wallSeconds);
          await tx.run(
            'INSERT INTO test_results (run_id, loss, accuracy, confusion_json, per_class_json) VALUES (?, ?, ?, ?, ?)',
            [
              claim.runId,
              real(test.loss),
              test.accuracy,
              JSON.stringify(test.confusion),
              JSON.stringify(test.perClass),
            ],
          );
          await tx.run('INSERT INTO weights (run_id, shapes_json, data) VALUES (?, ?, ?)', [
            claim.runId,
            JSON.stringify(weights.shapes),
            encodeWeights(weights.data),
          ]);
          break;
        }
        case 'diverged':
          await ended('diverged', end.reason, end.wallSeconds);
          await tx.run('UPDATE runs SET diverged_epoch = ? WHERE id = ?', [end.epoch, claim.runId]);
          await tx.run('DELETE FROM checkpoints WHERE run_id = ?', [claim.runId]);
          break;
        case 'pruned': {
          // Its checkpoint stays: a sweep run with --no-prune goes on from it.
          const { rule, metric, rung, value, threshold } = end.decision;
          await ended('pruned', null, end.wallSeconds);
          await tx.run(
            'INSERT INTO prune_decisions (run_id, rule, metric, rung, value, threshold) VALUES (?, ?, ?, ?, ?, ?)',
            [claim.runId, rule, metric, rung, real(value), real(threshold)],
          );
          break;
        }
        case 'failed':
          // Tried again from epoch 1: whatever failed may have been in the state it would go on from.
          await ended('failed', end.error, end.wallSeconds);
          await tx.run('DELETE FROM checkpoints WHERE run_id = ?', [claim.runId]);
          break;
        case 'interrupted':
          await ended('interrupted', null, null);
          break;
      }
    }, claim.runId);
  }

  parkRun(claim: RunClaim, rung: number): Promise<void> {
    return this.write(
      (tx) => this.holding(tx, claim, "status = 'interrupted', parked_at = ?, lease_expires = NULL", [rung]),
      claim.runId,
    );
  }

  async parkedRuns(sweepId: number): Promise<Map<string, number>> {
    const rows = await this.db.all<{ run_id: string; parked_at: number }>(
      `SELECT sr.run_id, r.parked_at FROM sweep_runs sr JOIN runs r ON r.id = sr.run_id
        WHERE sr.sweep_id = ? AND r.parked_at IS NOT NULL AND r.status = 'interrupted' ORDER BY sr.position`,
      [sweepId],
    );
    return new Map(rows.map((row) => [row.run_id, row.parked_at]));
  }

  removeSweep(sweepId: number): Promise<{ runsRemoved: number }> {
    return this.write(async (tx) => {
      const only = `SELECT run_id FROM sweep_runs WHERE sweep_id = ?
                    EXCEPT SELECT run_id FROM sweep_runs WHERE sweep_id <> ?`;
      const orphans = await tx.all<{ run_id: string }>(only, [sweepId, sweepId]);
      await tx.run('DELETE FROM sweep_runs WHERE sweep_id = ?', [sweepId]);
      // Everything a run produced or was given goes with it (ON DELETE CASCADE).
      for (const { run_id } of orphans) await tx.run('DELETE FROM runs WHERE id = ?', [run_id]);
      await tx.run('DELETE FROM sweeps WHERE id = ?', [sweepId]);
      return { runsRemoved: orphans.length };
    });
  }
}
