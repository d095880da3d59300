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
import type { Pruner } from './pruning.ts';
import type { SweepDataset } from './sweep-data.ts';

/** A run this process holds a claim on, and the checkpoint it goes on from (null: epoch 1). */
export interface ClaimedTask {
  run: PlannedRun;
  claim: RunClaim;
  from: Checkpoint | null;
}

/** What a thread looking for work may wait for: runs others are training may yet free some. */
export interface Activity {
  /** Runs handed out and not yet ended, pruned or parked. */
  inFlight: number;
  /** Resolves at the next change: a commit, or a run leaving its thread. */
  changed(): Promise<void>;
}

export interface TrainClaimsOptions {
  store: ResultsStore;
  /** Each data spec's dataset, under its key (db's dataKeyOf). */
  datasets: ReadonlyMap<string, SweepDataset>;
  threads: number;
  /** The next claimed run to train; null when there is none for this thread. */
  next(activity: Activity): Promise<ClaimedTask | null>;
  /** The sweep's prune rule, when it prunes: runs stop at its rungs to ask it. */
  pruner?: Pruner | null;
  signal?: AbortSignal;
  observers?: readonly SweepObserver[];
}

export interface TrainClaimsResult {
  /** Runs trained to an end this process recorded, by how they ended. */
  ended: Record<RunOutcome['status'], number>;
  /** Runs whose claim another attempt superseded: their rows are that attempt's. */
  lost: number;
  /** Times a run was parked at a rung, its decision waiting for runs not recorded yet. */
  parked: number;
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
  const pruner = options.pruner ?? null;
  let parked = 0;
  // Node 20 has no Promise.withResolvers.
  let resolvePulse = () => {};
  let pulse = new Promise<void>((resolve) => (resolvePulse = resolve));
  const activity: Activity = { inFlight: 0, changed: () => pulse };
  const changed = () => {
    resolvePulse();
    pulse = new Promise<void>((resolve) => (resolvePulse = resolve));
  };
  /** A run left its thread: ended, pruned or parked. */
  const left = () => {
    activity.inFlight--;
    changed();
  };
  const claims = new Map<string, RunClaim>();
  const lost = new Set<string>();
  /** Each run's last write, resolving to whether every write of the run so far was committed. */
  const lastWrite = new Map<string, Promise<boolean>>();
  let writeError: unknown = null;
  let stopping = false;
  const stop = () => {
    stopping = true;
    void pool.stop();
  };

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
          stop();
        }
        return false;
      }
      if (committed) report();
      changed();
      return committed;
    });
    lastWrite.set(run.id, after);
    void after.then(() => lastWrite.get(run.id) === after && lastWrite.delete(run.id));
  };
  /** After the run's last write: whether every write of it so far was committed. */
  const settled = (run: PlannedRun) => lastWrite.get(run.id) ?? Promise.resolve(!lost.has(run.id));
  const shared = new Map<string, SharedPreparedData>(
    [...options.datasets].map(([key, data]) => [key, data.shared]),
  );
  const pool: ThreadPool = new ThreadPool(options.threads, shared, {
    atRung: (thread, run, at) => atRung(thread, run, at),
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
      // Once its end is in the store: a decision waiting on it (a seed that diverged) reads it there.
      void settled(run).then(left);
    },
  });
  /** Asks the prune rule about a run at a checkpoint: on (true), or pruned or parked there (false). */
  const atRung = async (thread: number, run: PlannedRun, at: Checkpoint): Promise<boolean> => {
    if (!pruner) return true;
    // The decision reads the store: this run's epoch must be in it.
    const decision = (await settled(run)) ? await pruner.decide(run, at.epoch) : null;
    if (decision?.kind === 'continue') return true;
    if (decision?.kind === 'prune') {
      const outcome: RunOutcome = {
        status: 'pruned',
        epoch: at.epoch,
        decision: pruner.record(decision),
        wallSeconds: at.seconds,
      };
      write(
        run,
        (claim) => store.finishRun(claim, outcome),
        () => {
          ended.pruned++;
          for (const observer of observers) observer.runEnded?.(thread, run, outcome);
        },
        (claim) => store.finishRun(claim, { status: 'interrupted' }),
      );
    } else if (decision?.kind === 'wait')
      write(
        run,
        (claim) => store.parkRun(claim, at.epoch),
        () => parked++,
      );
    // Others looking for work see it parked (or pruned) once they are told it left.
    await settled(run);
    left();
    return false;
  };
  const onAbort = () => stop();
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener('abort', onAbort);
  try {
    await pool.runAll(async () => {
      const task = await options.next(activity);
      if (!task) return null;
      claims.set(task.run.id, task.claim);
      // Claimed by a thread that waited for work while the pool stopped: released untrained.
      if (stopping) {
        write(
          task.run,
          (claim) => store.finishRun(claim, { status: 'interrupted' }),
          () => {},
        );
        return null;
      }
      activity.inFlight++;
      return { ...task, rungs: pruner?.rungs(task.run) ?? [] };
    });
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await pool.stop();
    await Promise.all(lastWrite.values());
    await store.flush();
  }
  if (writeError) throw writeError;
  return { ended, lost: lost.size, parked };
}
