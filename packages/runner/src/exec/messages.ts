// What the main thread and the training workers say to each other. Everything here crosses a
// worker_threads boundary, so it is plain structured-cloneable data.
import type { SharedPreparedData } from '@ablate/data';
import type { ClassMetrics } from '@ablate/layers';
import type { PlannedRun } from '../config/index.ts';
import type { EpochRecord } from '../db/index.ts';
import type { ExportedWeights } from '../model/weights.ts';

/**
 * What one epoch of a run measured, sent as the epoch ends: the record the results store commits
 * as it is (final and best values are the store's to derive).
 */
export type EpochReport = EpochRecord;

/** The end-of-run evaluation on the test set. */
export interface TestReport {
  loss: number;
  accuracy: number;
  /** [true class][predicted class] counts. */
  confusion: number[][];
  perClass: ClassMetrics[];
}

/** How a run ended; only a finished run has test results and weights. */
export type RunOutcome =
  | { status: 'finished'; test: TestReport; weights: ExportedWeights }
  | { status: 'diverged'; epoch: number; reason: string }
  | { status: 'failed'; error: string }
  /** Stopped from outside (Ctrl-C, SIGTERM) before it ended. */
  | { status: 'interrupted' };

/** Main thread to worker: a dataset (once per worker and data spec), then runs to train. */
export type ToWorker =
  | { kind: 'data'; key: string; shared: SharedPreparedData }
  | { kind: 'train'; run: PlannedRun; dataKey: string };

/** Worker to main thread, for the run it is training. */
export type FromWorker =
  | { kind: 'started'; runId: string; kernels: string }
  | { kind: 'epoch'; runId: string; report: EpochReport }
  | { kind: 'ended'; runId: string; outcome: RunOutcome };
