// The plain data a results store takes and gives: no SQL, no driver types, so a second store
// (PostgreSQL, many machines claiming runs) implements the same interface over the same records.
// Every write names the run it belongs to.
import type { Diagnosis } from '../view/diagnosis.js';
import type { Evaluation, LayerStats, OptimizerState } from '@ablate/layers';
import type { RngState } from '@ablate/tensor';

/** Every status a run can have; the database's constraint takes these (tables.ts, version 7). */
export const RUN_STATUSES = [
  'pending',
  'running',
  'finished',
  'diverged',
  'failed',
  'interrupted',
  'stalled',
  'pruned',
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** Where results came from, stamped on sweeps and runs. */
export interface Provenance {
  ablateVersion: string;
  codeVersion: string | null;
}

/** What the store reads of a run config; the rest it keeps as JSON. */
export interface StoredRunConfig {
  train: { epochs: number };
  /** The data spec: runs with equal specs train on one dataset (identity.ts's dataKeyOf). */
  data: unknown;
}

/**
 * One run of a planned sweep, as planning makes it (config/plan.ts's PlannedRun is this with the
 * config typed) and as a claim hands it back. Its id is the hash of its resolved config (identity.ts).
 */
export interface PlannedRunRecord<Config extends StoredRunConfig = StoredRunConfig> {
  id: string;
  /** The same hash without the seed: runs that differ only by seed share it. */
  groupId: string;
  seed: number;
  /** The varying values for people: "lr=0.1 init=he_normal seed=1". */
  label: string;
  /** This run's values of the sweep's varying paths: {"train.lr": 0.1, "seed": 1}. */
  params: Record<string, unknown>;
  /** Order in the expanded grid, from 0. */
  position: number;
  /** The fully resolved run config (JSON-safe). */
  config: Config;
  /**
   * The same hash without train.epochs, for a run whose first epochs are the same computation
   * whatever its length (config/continuation.ts): a longer run of the lineage may continue from a
   * shorter one's checkpoint. Null for one that may not (a cosine schedule).
   */
  lineage: string | null;
}

/** A sweep version as planned: its file, its validated config and every run. */
export interface PlannedSweepRecord {
  name: string;
  configHash: string;
  /** The YAML file, relative to the folder the sweep ran in when inside it. */
  configPath: string | null;
  yaml: string;
  /** The validated config, defaults filled in (JSON). */
  config: unknown;
  /** The config paths that vary across runs ("seed" included). */
  varying: string[];
  runs: readonly PlannedRunRecord[];
  /** {data spec (JSON): fingerprint} of the data this machine prepared for the sweep. */
  dataFingerprints: Record<string, string>;
  /** The kernel set every run must train on; null: any. */
  kernels: string | null;
}

/** A claimed run: every write about it names the attempt, and is refused once it is not the current one. */
export interface RunClaim {
  runId: string;
  attempt: number;
}

/**
 * A claimed attempt at a run and where it starts: from the checkpoint of its last committed epoch
 * (an interrupted run), from a shorter run's last one (continuedFrom, a run trained longer), or
 * from epoch 1 (null).
 */
export interface RunAttempt {
  claim: RunClaim;
  from: Checkpoint | null;
}

/** A run claimed from a shared store: the attempt, and the run as planned. */
export interface ClaimedRun extends RunAttempt {
  run: PlannedRunRecord;
}

/** A planned run that will go on from a finished shorter run of its lineage: that run, and its epochs. */
export interface Continuation {
  from: string;
  epochs: number;
}

/**
 * What a run carries from one epoch to the next, taken as an epoch ends: enough to train the next
 * epoch exactly as though training had never stopped. The learning rate needs nothing: the
 * schedule is a function of the epoch number.
 */
export interface Checkpoint {
  /** The epoch it was taken after (1-based); training goes on with epoch + 1. */
  epoch: number;
  /** The kernel set that computed it: a run goes on from it only on the same set. */
  kernels: string;
  /** The model's parameters and batch norm's running statistics (Sequential.exportWeights). */
  weights: WeightsRecord;
  /** The optimizer's step count and slot buffers (velocity, moment averages). */
  optimizer: OptimizerState;
  /** The position of every random stream the run draws from, by name (model/build-model.ts). */
  streams: Record<string, RngState>;
  /**
   * Early stopping's state (null without train.earlyStop): the metric of every epoch so far, and,
   * with restoreBest, the best epoch's weights.
   */
  earlyStop: { metric: Array<number | null>; best: { epoch: number; weights: WeightsRecord } | null } | null;
  /**
   * The train loss of every epoch so far, epoch 1 first: the stall rule's window (view/diagnosis.js
   * stallOf), so a resumed run stalls at the epoch an uninterrupted one does. Absent from checkpoints
   * written before the trainer stopped stalled runs: those resume with it empty (the rule then needs
   * its epochs anew from there).
   */
  trainLoss?: number[];
  /** Wall seconds trained so far: the run's wall time goes on from it. */
  seconds: number;
  /** The run whose checkpoint this was, when a longer run continues a shorter one's. */
  continuedFrom?: string;
}

/** A recorded version of a sweep name. */
export interface SweepVersion {
  id: number;
  configHash: string;
  config: unknown;
}

/** What a run is trained with, recorded when it is claimed. */
export interface RunStartRecord extends Provenance {
  /** SHA-256 of the exact data the run sees. */
  dataFingerprint: string;
  /** The matmul implementation that trains it. */
  kernels: string;
}

/**
 * What one epoch of a run measured: the epochs table's columns, named as they are there. NaN and
 * Infinity are stored, and read back, as missing values (null).
 */
export interface EpochMetrics {
  /** Mean batch loss over the epoch, weighted by batch size; NaN when the run blew up. */
  train_loss: number | null;
  /**
   * Running accuracy over the epoch's batches, each judged on the forward pass its loss came from
   * (as Keras reports it); null for the epoch a run diverged in.
   */
  train_acc: number | null;
  /** Loss and accuracy on the validation set; null without one, or in a diverged epoch. */
  val_loss: number | null;
  val_acc: number | null;
  /** The learning rate the epoch trained with. */
  lr: number;
  /** Wall time of the epoch, evaluation included. */
  seconds: number;
}
export const EPOCH_METRICS = ['train_loss', 'train_acc', 'val_loss', 'val_acc', 'lr', 'seconds'] as const;
export type EpochMetric = (typeof EPOCH_METRICS)[number] & keyof EpochMetrics;

/** One epoch as the training thread reports it and the store commits it, in one transaction. */
export interface EpochRecord extends EpochMetrics {
  /** 1-based. */
  epoch: number;
  /** Per-layer activation / gradient statistics on a fixed training batch; [] in a diverged epoch. */
  layers: LayerStats[];
  /**
   * The same statistics of the untrained model, stored as epoch 0: what the init alone does to the
   * signal, before training washes it out. With the first epoch only.
   */
  initialLayers?: LayerStats[];
  /** The state to go on from after this epoch; none with the epoch a run diverged in. */
  checkpoint?: Checkpoint;
}

/** One stored epoch of a run. */
export interface StoredEpoch extends EpochMetrics {
  run_id: string;
  epoch: number;
}

/** A model's parameters, flattened in the order of `shapes` (W then b per layer). */
export interface WeightsRecord {
  shapes: { name: string; shape: number[] }[];
  data: Float32Array;
}

/**
 * A run evaluated at its end. test: the evaluation on the test set, of the weights of epoch
 * `testEpoch` (the last trained, or the best with earlyStop.restoreBest); `epochs`: how many it
 * trained (fewer than planned when early stopping or the stall rule ended it).
 */
export interface EvaluatedEnd {
  test: Evaluation;
  weights: WeightsRecord;
  epochs: number;
  testEpoch: number;
  wallSeconds: number;
}

/**
 * How a run ended, as its training thread reports it and the store records it; only a finished or
 * stalled run has test results and weights.
 */
export type RunOutcome =
  | ({ status: 'finished' } & EvaluatedEnd)
  /**
   * Its train loss stopped moving (train.stall, view/diagnosis.js): stopped there, evaluated and
   * stored as a finished run is, with why it did not learn, told as it ends (the store derives the
   * diagnosis again from what it holds).
   */
  | ({ status: 'stalled'; diagnosis: Diagnosis } & EvaluatedEnd)
  | { status: 'diverged'; epoch: number; reason: string; wallSeconds: number }
  /** Stopped by the sweep's prune rule after `epoch`, its group's rung (its checkpoint kept). */
  | { status: 'pruned'; epoch: number; decision: PruneRecord; wallSeconds: number }
  | { status: 'failed'; error: string; wallSeconds: number }
  /** Stopped from outside (Ctrl-C, SIGTERM, a thread lost) before it ended: to be trained again. */
  | { status: 'interrupted' };

/** The decision that pruned a run, as the prune_decisions table records it (tables.ts, version 8). */
export interface PruneRecord {
  rule: string;
  metric: string;
  rung: number;
  value: number | null;
  threshold: number | null;
}

/** A tally of runs by how they ended, all 0. */
export const noneEnded = (): Record<RunOutcome['status'], number> => ({
  finished: 0,
  stalled: 0,
  diverged: 0,
  pruned: 0,
  failed: 0,
  interrupted: 0,
});

/**
 * A run's results: final values (its last epoch), best validation values, and the test set's,
 * derived by the run_results view (tables.ts) from its epochs and test results.
 */
export const RUN_RESULTS = [
  'final_train_loss',
  'final_train_acc',
  'final_val_loss',
  'final_val_acc',
  'best_val_loss',
  'best_val_acc',
  'test_loss',
  'test_acc',
] as const;
export type RunResult = (typeof RUN_RESULTS)[number];
export type RunResults = Record<RunResult, number | null>;

/** A sweep's best run (see ResultsReader.sweepRuns for the definition) and the accuracy it won by. */
export interface BestRun {
  runId: string;
  label: string;
  metric: 'final_val_acc' | 'test_acc';
  value: number;
}

/** A sweep version as recorded. */
export interface SweepRecord {
  id: number;
  name: string;
  configHash: string;
  configPath: string | null;
  configYaml: string;
  config: unknown;
  varying: string[];
  createdAt: string;
  updatedAt: string;
  /** The kernel set its runs must train on; null: any. */
  kernels: string | null;
  /** {data spec (JSON): fingerprint} as the sweep first prepared its data; null before it recorded them. */
  dataFingerprints: Record<string, string> | null;
}

/** A sweep in the list of all sweeps. */
export interface SweepListing {
  id: number;
  name: string;
  createdAt: string;
  updatedAt: string;
  varying: string[];
  runCount: number;
  statusCounts: Partial<Record<RunStatus, number>>;
  best: BestRun | null;
}

/** A note someone wrote on a run. */
export interface RunNote {
  text: string;
  /** ISO 8601. */
  createdAt: string;
}

/** A tag: a word of letters, digits and - _ . : / (so it reads the same in a URL and a shell). */
export const TAG_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:/-]*$/;

/** One run of a sweep as it stands, in plan order. */
export interface SweepRun {
  id: string;
  label: string;
  /** Tags people gave the run, sorted. */
  tags: string[];
  groupId: string;
  seed: number;
  status: RunStatus;
  error: string | null;
  params: Record<string, unknown>;
  epochsPlanned: number;
  epochsDone: number;
  divergedEpoch: number | null;
  startedAt: string | null;
  finishedAt: string | null;
  wallSeconds: number | null;
  /** The epoch of best_val_acc. */
  bestEpoch: number | null;
  /** 1 for the sweep's best run, 2 for the next...; null for a run not ranked (not finished). */
  rank: number | null;
  results: RunResults;
}

/** A run as stored: its columns (snake_case, as the runs table documents them), config parsed. */
export interface RunRecord {
  id: string;
  group_id: string;
  seed: number;
  label: string;
  config: unknown;
  status: RunStatus;
  error: string | null;
  epochs_planned: number;
  epochs_done: number;
  diverged_epoch: number | null;
  data_fingerprint: string | null;
  code_version: string | null;
  ablate_version: string;
  kernels: string | null;
  /** The shorter run this one went on from (a sweep trained longer), or null. */
  continued_from: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  wall_seconds: number | null;
}

/** A run's provenance, as the runs table holds it: its config hash (id), code, Ablate, data, kernels. */
export type RunProvenance = Pick<
  RunRecord,
  'id' | 'code_version' | 'ablate_version' | 'data_fingerprint' | 'kernels'
>;

/** One stored layer statistic row; epoch 0 is the untrained model. */
export type StoredLayerStats = { run_id: string; epoch: number; layer: number; name: string } & Record<
  LayerStatistic,
  number | null
>;
/** A layer's statistics (@ablate/layers' LayerStats), as the layer_stats table's columns. */
export const LAYER_STATISTICS = [
  'act_mean',
  'act_std',
  'grad_mean',
  'grad_std',
  'update_ratio',
  'dead_fraction',
] as const;
export type LayerStatistic = (typeof LAYER_STATISTICS)[number] & keyof LayerStats;
