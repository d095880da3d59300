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

/** What one epoch of a run measured, sent as the epoch ends. */
export interface EpochReport {
  epoch: number;
  /** Mean batch loss over the epoch, weighted by batch size; NaN when the run blew up. */
  trainLoss: number;
  /**
   * Running accuracy over the epoch's batches, each judged on the forward pass its loss came from
   * (as Keras reports it); null for the epoch a run diverged in.
   */
  trainAcc: number | null;
  /** Loss and accuracy on the validation set; null without one, or in a diverged epoch. */
  valLoss: number | null;
  valAcc: number | null;
  /** The learning rate the epoch trained with. */
  lr: number;
  /** Wall time of the epoch, evaluation included. */
  seconds: number;
  /** Per-layer activation / gradient statistics on a fixed training batch; [] in a diverged epoch. */
  layers: LayerStats[];
  /**
   * The same statistics of the untrained model, stored as epoch 0: what the init alone does to the
   * signal, before training washes it out. Only on epoch 1's report.
   */
  initialLayers?: LayerStats[];
  progress: RunProgress;
}

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
