// Training claimed runs on the thread pool and writing what they report, from this thread only: the
// loop `sweep` (on a SQLite file or PostgreSQL) and `worker` (PostgreSQL) share. Each run comes
// with its claim, and every write names it; a write refused because the claim was superseded (this
// process was paused or cut off past its lease, and another worker took the run) drops that run
// here and writes nothing more about it.
import type { SharedPreparedData } from '@ablate/data';
import type { PlannedRun } from '../config/index.ts';
import {
  LeaseLostError,
  noneEnded,
  type Checkpoint,
  type ResultsStore,
  type RunClaim,
  type RunOutcome,
} from '../db/index.ts';
import { ThreadPool } from '../exec/pool.ts';
import type { SweepObserver } from './observer.ts';
import type { SweepDataset } from './sweep-data.ts';

/** A run this process holds a claim on, and the checkpoint it goes on from (null: epoch 1). */
export interface ClaimedTask {
  run: PlannedRun;
  claim: RunClaim;
  from: Checkpoint | null;
}

export interface TrainClaimsOptions {
  store: ResultsStore;
  /** Each data spec's dataset, under its key (db's dataKeyOf). */
  datasets: ReadonlyMap<string, SweepDataset>;
  threads: number;
  /** The next claimed run to train; null when there is none for this thread. */
  next(): Promise<ClaimedTask | null>;
  signal?: AbortSignal;
  observers?: readonly SweepObserver[];
}

export interface TrainClaimsResult {
  /** Runs trained to an end this process recorded, by how they ended. */
  ended: Record<RunOutcome['status'], number>;
  /** Runs whose claim another attempt superseded: their rows are that attempt's. */
  lost: number;
}

/**
 * Trains what `next` hands out until it has nothing left or the signal aborts (runs in flight then
 * end as interrupted). Observers hear of an epoch or a run's end only once the store has committed
 * it: what a user is told has finished is in the database. A failed write other than a lost claim
 * stops the pool and is thrown (training on without recording would lose work silently); the run
 * it was about writes nothing more but, if the store still takes it, the mark that it was
 * interrupted.
 */
export async function trainClaims(options: TrainClaimsOptions): Promise<TrainClaimsResult> {
  const { store, observers = [] } = options;
  const ended: Record<RunOutcome['status'], number> = noneEnded();
  const claims = new Map<string, RunClaim>();
  const lost = new Set<string>();
  /** Each run's last write, resolving to whether every write of the run so far was committed. */
  const lastWrite = new Map<string, Promise<boolean>>();
  let writeError: unknown = null;

  /**
   * Commits after the run's earlier writes, then reports; after a failed one, only `fallback`
   * (a run's end recorded as interrupted) is still tried, and not reported.
   */
  const write = (
    run: PlannedRun,
    commit: (claim: RunClaim) => Promise<void>,
    report: () => void,
    fallback?: (claim: RunClaim) => Promise<void>,
  ) => {
    const claim = claims.get(run.id);
    if (!claim) return;
    const before = lastWrite.get(run.id) ?? Promise.resolve(true);
    const after = before.then(async (committed) => {
      if (lost.has(run.id)) return false;
      try {
        if (committed) await commit(claim);
        else await fallback?.(claim);
      } catch (err) {
        if (err instanceof LeaseLostError) lost.add(run.id);
        else if (committed) {
          writeError ??= err;
          void pool.stop();
        }
        return false;
      }
      if (committed) report();
      return committed;
    });
    lastWrite.set(run.id, after);
    void after.then(() => lastWrite.get(run.id) === after && lastWrite.delete(run.id));
  };
  const shared = new Map<string, SharedPreparedData>(
    [...options.datasets].map(([key, data]) => [key, data.shared]),
  );
  const pool: ThreadPool = new ThreadPool(options.threads, shared, {
    runStarted(thread, run) {
      for (const observer of observers) observer.runStarted?.(thread, run);
    },
    epoch(thread, run, epoch) {
      write(
        run,
        (claim) => store.commitEpoch(claim, epoch),
        () => {
          for (const observer of observers) observer.epoch?.(thread, run, epoch);
        },
      );
    },
    runEnded(thread, run, outcome) {
      write(
        run,
        (claim) => store.finishRun(claim, outcome),
        () => {
          ended[outcome.status]++;
          for (const observer of observers) observer.runEnded?.(thread, run, outcome);
        },
        (claim) => store.finishRun(claim, { status: 'interrupted' }),
      );
    },
  });
  const onAbort = () => void pool.stop();
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener('abort', onAbort);
  try {
    await pool.runAll(async () => {
      const task = await options.next();
      if (!task) return null;
      claims.set(task.run.id, task.claim);
      return task;
    });
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await pool.stop();
    await Promise.all(lastWrite.values());
    await store.flush();
  }
  if (writeError) throw writeError;
  return { ended, lost: lost.size };
}
