// What the main thread and the training threads say to each other, and what the pool tells its
// listener. Everything between threads crosses a worker_threads boundary, so it is plain
// structured-cloneable data: the records the results store takes (db/records.ts), as they are.
import type { SharedPreparedData } from '@ablate/data';
import type { PlannedRun } from '../config/index.ts';
import type { Checkpoint, EpochRecord, RunOutcome } from '../db/index.ts';
import type { TrainEnd } from './train.ts';

/**
 * Main thread to a training thread: a dataset (once per thread and data spec), then runs to train,
 * each from epoch 1 or going on from a checkpoint.
 */
export type ToThread =
  | { kind: 'data'; key: string; shared: SharedPreparedData }
  | { kind: 'train'; run: PlannedRun; dataKey: string; from: Checkpoint | null; rungs: readonly number[] };

/** A training thread to the main thread, about the run it is training. */
export type FromThread =
  { kind: 'epoch'; runId: string; epoch: EpochRecord } | { kind: 'ended'; runId: string; outcome: TrainEnd };

/**
 * Hears a run's events on the main thread as they happen; `thread` numbers the training thread
 * (0-based). The pool calls it; the sweep's own listener writes the store, then tells observers.
 */
export interface RunListener {
  runStarted?(thread: number, run: PlannedRun): void;
  epoch?(thread: number, run: PlannedRun, epoch: EpochRecord): void;
  runEnded?(thread: number, run: PlannedRun, outcome: RunOutcome): void;
}

/** The pool's own listener: a run's events, and the question a run asks at a rung. */
export interface PoolListener extends RunListener {
  /**
   * A run stopped at a rung of its prune rule, or claimed at one (`at`, the checkpoint it would go
   * on from): resolves to whether it trains on from there; false when it has left the thread
   * (pruned, parked, or its claim lost).
   */
  atRung?(thread: number, run: PlannedRun, at: Checkpoint): Promise<boolean>;
}
