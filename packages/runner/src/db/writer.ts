// The one writer of a results database. Every write goes through a single queue so transactions
// never interleave on the connection, and each epoch is committed on its own (epoch row, layer
// statistics and the run summary together): a crash loses at most the epoch in flight.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { PlannedRun, SweepPlan } from '../config/index.ts';
import type { LayerStats } from '@ablate/layers';
import type { EpochReport, RunOutcome } from '../exec/messages.ts';
import { encodeWeights } from '../model/weights.ts';
import { openForWriting, type Database, type RunStatus, type SweepRow } from './schema.ts';

/** Where results came from, stamped on sweeps and runs. */
export interface Provenance {
  ablateVersion: string;
  codeVersion: string | null;
}

/** SQLite has no NaN or Infinity; the schema stores them as NULL. */
function real(value: number | null | undefined): number | null {
  return value !== null && value !== undefined && Number.isFinite(value) ? value : null;
}

const now = () => new Date().toISOString();

/** The tables holding what a training attempt produced; cleared before a run is trained again. */
const RUN_OUTPUT_TABLES = ['epochs', 'layer_stats', 'run_summary', 'test_results', 'weights'] as const;

export class ResultsWriter {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(readonly db: Database) {}

  /** Opens (creating folders and file if needed) the database at dbPath, migrated and in WAL mode. */
  static async open(dbPath: string): Promise<ResultsWriter> {
    mkdirSync(path.dirname(dbPath), { recursive: true });
    return new ResultsWriter(await openForWriting(dbPath));
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

  /** Every recorded version of a sweep name, oldest first. */
  sweepsNamed(name: string): Promise<SweepRow[]> {
    return this.db.all<SweepRow>('SELECT * FROM sweeps WHERE name = ? ORDER BY id', [name]);
  }

  /**
   * Records a sweep version (or touches the existing row of the same name and hash) with all its
   * runs: new runs are inserted as pending, runs already known (from this sweep or another) are
   * only linked, so a shared run is never trained twice.
   */
  registerSweep(plan: SweepPlan, configPath: string | null, provenance: Provenance): Promise<number> {
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
            configPath,
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
            run.config.train.epochs,
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

  /** The current status of each of these runs that the database knows. */
  async statuses(runIds: readonly string[]): Promise<Map<string, RunStatus>> {
    const rows = await this.db.all<{ id: string; status: RunStatus }>(
      `SELECT id, status FROM runs WHERE id IN (SELECT value FROM json_each(?))`,
      [JSON.stringify(runIds)],
    );
    return new Map(rows.map((row) => [row.id, row.status]));
  }

  /** Marks a run as training, after deleting whatever an earlier, unfinished attempt left. */
  startRun(
    run: PlannedRun,
    details: Provenance & { dataFingerprint: string; kernels: string },
  ): Promise<void> {
    return this.inTransaction(async () => {
      for (const table of RUN_OUTPUT_TABLES)
        await this.db.run(`DELETE FROM ${table} WHERE run_id = ?`, [run.id]);
      await this.db.run(
        `UPDATE runs SET status = 'running', error = NULL, epochs_done = 0, diverged_epoch = NULL, data_fingerprint = ?,
           code_version = ?, ablate_version = ?, kernels = ?, started_at = ?, finished_at = NULL, wall_seconds = NULL
         WHERE id = ?`,
        [details.dataFingerprint, details.codeVersion, details.ablateVersion, details.kernels, now(), run.id],
      );
    });
  }

  /** Commits one epoch: its row, its layer statistics and the run's summary so far, together. */
  recordEpoch(runId: string, report: EpochReport): Promise<void> {
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
      const statistics: [number, LayerStats[]][] = [
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
      const p = report.progress;
      await this.db.run(
        `INSERT INTO run_summary (run_id, final_train_loss, final_train_acc, final_val_loss, final_val_acc, best_val_loss, best_val_acc, best_epoch)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (run_id) DO UPDATE SET final_train_loss = excluded.final_train_loss, final_train_acc = excluded.final_train_acc,
           final_val_loss = excluded.final_val_loss, final_val_acc = excluded.final_val_acc, best_val_loss = excluded.best_val_loss,
           best_val_acc = excluded.best_val_acc, best_epoch = excluded.best_epoch`,
        [
          runId,
          real(p.finalTrainLoss),
          real(p.finalTrainAcc),
          real(p.finalValLoss),
          real(p.finalValAcc),
          real(p.bestValLoss),
          real(p.bestValAcc),
          p.bestEpoch,
        ],
      );
      await this.db.run('UPDATE runs SET epochs_done = ? WHERE id = ?', [report.epoch, runId]);
    });
  }

  /** Records how a run ended: test results and weights when it finished, the reason otherwise. */
  endRun(runId: string, outcome: RunOutcome, wallSeconds: number): Promise<void> {
    return this.inTransaction(async () => {
      const finishedAt = now();
      switch (outcome.status) {
        case 'finished': {
          const { test, weights } = outcome;
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
          await this.db.run(
            `INSERT INTO run_summary (run_id, test_loss, test_acc) VALUES (?, ?, ?)
             ON CONFLICT (run_id) DO UPDATE SET test_loss = excluded.test_loss, test_acc = excluded.test_acc`,
            [runId, real(test.loss), test.accuracy],
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
          await this.db.run('UPDATE runs SET diverged_epoch = ? WHERE id = ?', [outcome.epoch, runId]);
          await this.setEnded(runId, 'diverged', outcome.reason, finishedAt, wallSeconds);
          break;
        case 'failed':
          await this.setEnded(runId, 'failed', outcome.error, finishedAt, wallSeconds);
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

  /** Resolves when every write queued so far has settled. */
  async flush(): Promise<void> {
    await this.queue;
  }

  /** Waits for every queued write, then closes the connection. */
  async close(): Promise<void> {
    await this.flush();
    await this.db.close();
  }
}
