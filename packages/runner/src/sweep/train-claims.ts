// Training claimed runs on the worker-thread pool and writing what they report, from this thread
// only: the loop `sweep` (on a SQLite file or PostgreSQL) and `worker` (PostgreSQL) share. Each
// task comes with its claim, and every write names it; a write refused because the claim was
// superseded (this process was paused or cut off past its lease, and another worker took the run)
// drops that run here and writes nothing more about it.
import type { PlannedRun } from '../config/index.ts';
import { LeaseLostError, type ResultsStore, type RunClaim, type RunEndRecord } from '../db/index.ts';
import type { RunOutcome } from '../exec/messages.ts';
import { WorkerPool, type PoolTask } from '../exec/pool.ts';
import type { SweepObserver } from './run-sweep.ts';
import type { SweepDataset } from './sweep-data.ts';

export interface ClaimedTask extends PoolTask {
  claim: RunClaim;
}

export interface TrainClaimsOptions {
  store: ResultsStore;
  datasets: ReadonlyMap<string, SweepDataset>;
  workers: number;
  /** The next claimed run to train; null when there is none for this slot. */
  next(): Promise<ClaimedTask | null>;
  signal?: AbortSignal;
  observer?: SweepObserver;
}

export interface TrainClaimsResult {
  /** Runs trained to an end this process recorded, by how they ended. */
  ended: Record<RunOutcome['status'], number>;
  /** Runs whose claim another attempt superseded: their rows are that attempt's. */
  lost: number;
}

/** A worker's outcome as the store records it. */
function runEnd(outcome: RunOutcome, wallSeconds: number): RunEndRecord {
  return outcome.status === 'interrupted' ? outcome : { ...outcome, wallSeconds };
}

/**
 * Trains what `next` hands out until it has nothing left or the signal aborts (runs in flight then
 * end as interrupted). A failed write other than a lost claim stops the pool and is thrown: training
 * on without recording would lose work silently.
 */
export async function trainClaims(options: TrainClaimsOptions): Promise<TrainClaimsResult> {
  const { store, observer = {} } = options;
  const ended: Record<RunOutcome['status'], number> = { finished: 0, diverged: 0, failed: 0, interrupted: 0 };
  const claims = new Map<string, RunClaim>();
  const startedAt = new Map<string, number>();
  const lost = new Set<string>();
  let writeError: unknown = null;
  const shared = new Map([...options.datasets].map(([key, value]) => [key, value.shared]));

  const track = (run: PlannedRun, write: (claim: RunClaim) => Promise<void>) => {
    const claim = claims.get(run.id);
    if (!claim || lost.has(run.id)) return;
    write(claim).catch((err: unknown) => {
      if (err instanceof LeaseLostError) lost.add(run.id);
      else {
        writeError ??= err;
        void pool.stop();
      }
    });
  };
  const pool: WorkerPool = new WorkerPool(options.workers, shared, {
    started(slot, run) {
      startedAt.set(run.id, performance.now());
      observer.runStarted?.(slot, run);
    },
    epoch(slot, run, report) {
      track(run, (claim) => store.commitEpoch(claim, report));
      observer.epoch?.(slot, run, report);
    },
    ended(slot, run, outcome) {
      const seconds = (performance.now() - (startedAt.get(run.id) ?? performance.now())) / 1000;
      track(run, (claim) => store.finishRun(claim, runEnd(outcome, seconds)));
      if (!lost.has(run.id)) ended[outcome.status]++;
      observer.runEnded?.(slot, run, outcome);
    },
  });
  const onAbort = () => void pool.stop();
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener('abort', onAbort);
  try {
    await pool.runAll(async () => {
      const task = await options.next();
      if (task) claims.set(task.run.id, task.claim);
      return task;
    });
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await pool.stop();
    await store.flush();
  }
  if (writeError) throw writeError;
  return { ended, lost: lost.size };
}
