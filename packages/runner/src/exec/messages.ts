// What the main thread and the training workers say to each other. Everything here crosses a
// worker_threads boundary, so it is plain structured-cloneable data.
import type { SharedPreparedData } from '@ablate/data';
import type { ClassMetrics, LayerStats } from '@ablate/layers';
import type { PlannedRun } from '../config/index.ts';
import type { ExportedWeights } from '../model/weights.ts';

/** Best and final values of a run so far; the trainer keeps them, the writer stores them. */
export interface RunProgress {
  finalTrainLoss: number | null;
  finalTrainAcc: number | null;
  finalValLoss: number | null;
  finalValAcc: number | null;
  bestValLoss: number | null;
  bestValAcc: number | null;
  /** The epoch of bestValAcc. */
  bestEpoch: number | null;
}

export interface EpochReport {
  epoch: number;
  /** Mean batch loss over the epoch, weighted by batch size; NaN when the run blew up. */
  trainLoss: number;
  /** Accuracy on the training set at the end of the epoch (null for the epoch a run diverged in). */
  trainAcc: number | null;
  valLoss: number | null;
  valAcc: number | null;
  lr: number;
  seconds: number;
  layers: LayerStats[];
  progress: RunProgress;
}

export interface TestReport {
  loss: number;
  accuracy: number;
  confusion: number[][];
  perClass: ClassMetrics[];
}

export type RunOutcome =
  | { status: 'finished'; test: TestReport; weights: ExportedWeights }
  | { status: 'diverged'; epoch: number; reason: string }
  | { status: 'failed'; error: string }
  /** Stopped from outside (Ctrl-C, SIGTERM) before it ended. */
  | { status: 'interrupted' };

export type ToWorker =
  | { kind: 'data'; key: string; shared: SharedPreparedData }
  | { kind: 'train'; run: PlannedRun; dataKey: string };

export type FromWorker =
  | { kind: 'started'; runId: string; kernels: string }
  | { kind: 'epoch'; runId: string; report: EpochReport }
  | { kind: 'ended'; runId: string; outcome: RunOutcome };
