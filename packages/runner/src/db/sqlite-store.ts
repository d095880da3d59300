// The results store on one SQLite file (store.ts has the interface). One process owns the file: it
// holds the lease (lease.ts) from open to close, so claiming a run is a status check and an update.
// Every write goes through a single queue so transactions never interleave on the connection, and
// each epoch is committed on its own (epoch row and layer statistics together): a crash loses at
// most the epoch in flight. Reads go straight to the connection (WAL: they never wait for writes).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Database } from './database.ts';
import { acquireLease, type Lease } from './lease.ts';
import type {
  EpochRecord,
  LayerStatsRecord,
  PlannedSweepRecord,
  Provenance,
  RunEndRecord,
  RunStartRecord,
  RunStatus,
} from './records.ts';
import { SqliteReads } from './sqlite-reads.ts';
import type { ResultsReader, ResultsStore, RunAnnotator } from './store.ts';
import { openForReading, openForWriting } from './tables.ts';
import { encodeWeights } from './weights-blob.ts';

/** SQLite has no NaN or Infinity; the schema stores them as NULL. */
function real(value: number | null | undefined): number | null {
  return value !== null && value !== undefined && Number.isFinite(value) ? value : null;
}

const now = () => new Date().toISOString();

/** The tables holding what a training attempt produced; cleared before a run is trained again. */
const RUN_OUTPUT_TABLES = ['epochs', 'layer_stats', 'test_results', 'weights'] as const;

/** Runs that may be claimed: every status but these is "train it (again)". */
const CLAIMABLE = "status NOT IN ('finished', 'diverged', 'running')";

/**
 * Opens the results store at dbPath for a sweep: takes the file's lease (DatabaseBusyError while
 * another live sweep holds it), creates folders and file if needed, migrates it to SCHEMA_VERSION.
 */
export async function openStore(dbPath: string): Promise<ResultsStore> {
  mkdirSync(path.dirname(dbPath), { recursive: true });
  const lease = acquireLease(dbPath);
  try {
    return new SqliteStore(await openForWriting(dbPath), lease);
  } catch (err) {
    lease.release();
    throw err;
  }
}

/**
 * Opens a results store for annotations (tags and notes): no lease, since a sweep may be writing
 * the same file (SQLite serializes the two writers); migrated like any writer's open.
 */
export async function openAnnotator(dbPath: string): Promise<RunAnnotator> {
  const db = await openForWriting(dbPath);
  const annotate = (sql: string, rows: unknown[][]) =>
    db.transaction(async () => {
      for (const params of rows) await db.run(sql, params);
    });
  return {
    tagRun: (runId, tags) =>
      annotate(
        'INSERT OR IGNORE INTO run_tags (run_id, tag) VALUES (?, ?)',
        tags.map((tag) => [runId, tag]),
      ),
    untagRun: (runId, tags) =>
      annotate(
        'DELETE FROM run_tags WHERE run_id = ? AND tag = ?',
        tags.map((tag) => [runId, tag]),
      ),
    noteRun: (runId, text) =>
      annotate('INSERT INTO run_notes (run_id, text, created_at) VALUES (?, ?, ?)', [[runId, text, now()]]),
    close: () => db.close(),
  };
}

/** Opens a results store read-only (the dashboard): no lease, no migration; the file must exist. */
export async function openReader(dbPath: string): Promise<ResultsReader> {
  const db = await openForReading(dbPath);
  return Object.assign(new SqliteReads(db), { close: () => db.close() });
}

class SqliteStore extends SqliteReads implements ResultsStore {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    db: Database,
    private readonly lease: Lease,
  ) {
    super(db);
  }

  /** Runs fn after every write queued before it; a failed write does not block the ones after. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.queue.then(fn);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private inTransaction<T>(fn: () => Promise<T>): Promise<T> {
    return this.serial(() => this.db.transaction(fn));
  }

  /**
   * Records a sweep version (or touches the existing row of the same name and hash) with all its
   * runs: new runs are inserted as pending, runs already known (from this sweep or another) are
   * only linked, so a shared run is never trained twice.
   */
  planSweep(plan: PlannedSweepRecord, provenance: Provenance): Promise<number> {
    return this.inTransaction(async () => {
      const at = now();
      const existing = await this.db.get<{ id: number }>(
        'SELECT id FROM sweeps WHERE name = ? AND config_hash = ?',
        [plan.name, plan.configHash],
      );
      let sweepId: number;
      if (existing) {
        sweepId = existing.id;
        await this.db.run('UPDATE sweeps SET updated_at = ?, code_version = ? WHERE id = ?', [
          at,
          provenance.codeVersion,
          sweepId,
        ]);
      } else {
        const inserted = await this.db.run(
          `INSERT INTO sweeps (name, config_hash, config_path, config_yaml, config_json, varying_json, created_at, updated_at, ablate_version, code_version)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
          ],
        );
        sweepId = inserted.lastID;
      }
      for (const run of plan.runs) {
        await this.db.run(
          `INSERT OR IGNORE INTO runs (id, group_id, seed, label, config_json, status, epochs_planned, ablate_version, code_version, created_at)
           VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?)`,
          [
            run.id,
            run.groupId,
            run.seed,
            run.label,
            JSON.stringify(run.config),
            run.epochsPlanned,
            provenance.ablateVersion,
            provenance.codeVersion,
            at,
          ],
        );
        await this.db.run(
          'INSERT OR IGNORE INTO sweep_runs (sweep_id, run_id, position, params_json) VALUES (?, ?, ?, ?)',
          [sweepId, run.id, run.position, JSON.stringify(run.params)],
        );
      }
      return sweepId;
    });
  }

  /**
   * Runs still marked running belong to a process that is gone (killed, crashed, powered off):
   * they become interrupted, to be trained again. Returns how many there were.
   */
  async recoverAbandoned(): Promise<number> {
    return (
      await this.serial(() => this.db.run("UPDATE runs SET status = 'interrupted' WHERE status = 'running'"))
    ).changes;
  }

  claimRun(runId: string, start: RunStartRecord): Promise<{ runId: string } | null> {
    return this.inTransaction(async () => {
      const claimable = await this.db.get(`SELECT 1 FROM runs WHERE id = ? AND ${CLAIMABLE}`, [runId]);
      if (!claimable) return null;
      for (const table of RUN_OUTPUT_TABLES)
        await this.db.run(`DELETE FROM ${table} WHERE run_id = ?`, [runId]);
      await this.db.run(
        `UPDATE runs SET status = 'running', error = NULL, epochs_done = 0, diverged_epoch = NULL, data_fingerprint = ?,
           code_version = ?, ablate_version = ?, kernels = ?, started_at = ?, finished_at = NULL, wall_seconds = NULL
         WHERE id = ?`,
        [start.dataFingerprint, start.codeVersion, start.ablateVersion, start.kernels, now(), runId],
      );
      return { runId };
    });
  }

  commitEpoch(runId: string, report: EpochRecord): Promise<void> {
    return this.inTransaction(async () => {
      await this.db.run(
        'INSERT INTO epochs (run_id, epoch, train_loss, train_acc, val_loss, val_acc, lr, seconds) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        [
          runId,
          report.epoch,
          real(report.trainLoss),
          real(report.trainAcc),
          real(report.valLoss),
          real(report.valAcc),
          report.lr,
          report.seconds,
        ],
      );
      const statistics: [number, LayerStatsRecord[]][] = [
        [0, report.initialLayers ?? []],
        [report.epoch, report.layers],
      ];
      for (const [epoch, layers] of statistics) {
        for (const layer of layers) {
          await this.db.run(
            'INSERT INTO layer_stats (run_id, epoch, layer, name, act_mean, act_std, grad_mean, grad_std) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
            [
              runId,
              epoch,
              layer.layer,
              layer.name,
              real(layer.actMean),
              real(layer.actStd),
              real(layer.gradMean),
              real(layer.gradStd),
            ],
          );
        }
      }
      await this.db.run('UPDATE runs SET epochs_done = ? WHERE id = ?', [report.epoch, runId]);
    });
  }

  finishRun(runId: string, end: RunEndRecord): Promise<void> {
    return this.inTransaction(async () => {
      const finishedAt = now();
      switch (end.status) {
        case 'finished': {
          const { test, weights, wallSeconds } = end;
          await this.db.run(
            'INSERT INTO test_results (run_id, loss, accuracy, confusion_json, per_class_json) VALUES (?, ?, ?, ?, ?)',
            [
              runId,
              real(test.loss),
              test.accuracy,
              JSON.stringify(test.confusion),
              JSON.stringify(test.perClass),
            ],
          );
          await this.db.run('INSERT INTO weights (run_id, shapes_json, data) VALUES (?, ?, ?)', [
            runId,
            JSON.stringify(weights.shapes),
            encodeWeights(weights.data),
          ]);
          await this.setEnded(runId, 'finished', null, finishedAt, wallSeconds);
          break;
        }
        case 'diverged':
          await this.db.run('UPDATE runs SET diverged_epoch = ? WHERE id = ?', [end.epoch, runId]);
          await this.setEnded(runId, 'diverged', end.reason, finishedAt, end.wallSeconds);
          break;
        case 'failed':
          await this.setEnded(runId, 'failed', end.error, finishedAt, end.wallSeconds);
          break;
        case 'interrupted':
          await this.setEnded(runId, 'interrupted', null, null, null);
          break;
      }
    });
  }

  private async setEnded(
    runId: string,
    status: RunStatus,
    error: string | null,
    finishedAt: string | null,
    wallSeconds: number | null,
  ): Promise<void> {
    // Only a run this process is training can end; guards against a late message about a run
    // that was already marked otherwise.
    await this.db.run(
      "UPDATE runs SET status = ?, error = ?, finished_at = ?, wall_seconds = ? WHERE id = ? AND status = 'running'",
      [status, error, finishedAt, wallSeconds, runId],
    );
  }

  removeSweep(sweepId: number): Promise<{ runsRemoved: number }> {
    return this.inTransaction(async () => {
      const only = `SELECT run_id FROM sweep_runs WHERE sweep_id = ?
                    EXCEPT SELECT run_id FROM sweep_runs WHERE sweep_id <> ?`;
      const orphans = await this.db.all<{ run_id: string }>(only, [sweepId, sweepId]);
      await this.db.run('DELETE FROM sweep_runs WHERE sweep_id = ?', [sweepId]);
      // Everything a run produced or was given goes with it (ON DELETE CASCADE).
      for (const { run_id } of orphans) await this.db.run('DELETE FROM runs WHERE id = ?', [run_id]);
      await this.db.run('DELETE FROM sweeps WHERE id = ?', [sweepId]);
      return { runsRemoved: orphans.length };
    });
  }

  /** Resolves when every write queued so far has settled. */
  async flush(): Promise<void> {
    await this.queue;
  }

  /** Waits for every queued write, then closes the connection and gives up the lease. */
  async close(): Promise<void> {
    try {
      await this.flush();
      await this.db.close();
    } finally {
      this.lease.release();
    }
  }
}
