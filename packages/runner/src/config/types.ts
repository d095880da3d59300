// The shape of one training run once a sweep has been expanded and every default filled in, and of
// the sweep file itself. Every field is documented here, once; the rules and defaults are in
// ./schema.ts, and experiments/README.md is the guide for people writing sweep files. Keys are
// written in YAML exactly as here (camelCase); grid keys are dotted paths into RunConfig
// ("train.lr", "model.hidden").
import type { InitSpec, OptimizerConfig, ResolvedModelSpec } from '@ablate/layers';
import type { ResolvedDataSpec } from '@ablate/data';
import type { EarlyStopRule } from '../view/early-stop.js';
import type { PruneRule } from './prune-rule.ts';
import type { ScheduleConfig } from './schedule.ts';

/** The network: these fields of @ablate/layers' ModelSpec, documented there. */
export type ModelConfig = Pick<
  ResolvedModelSpec,
  'hidden' | 'layers' | 'activation' | 'leakySlope' | 'dropout' | 'batchNorm' | 'outputActivation' | 'loss'
>;

export interface TrainConfig {
  /** Passes over the training set. */
  epochs: number;
  /** Samples per update; at most the training-set size. */
  batchSize: number;
  /** Keep the last, smaller batch of an epoch (true) or drop it. */
  keepLastBatch: boolean;
  /**
   * The update rule with its own fields only (@ablate/layers' optimizer configs): written as a
   * bare name or as an object with the rule's name and any of its fields.
   */
  optimizer: OptimizerConfig;
  /** The learning rate the schedule starts from (and warms up to). */
  lr: number;
  /**
   * How the learning rate changes from epoch to epoch (./schedule.ts): a rule with its own fields
   * only, written as a bare name or as an object, as the optimizer is.
   */
  schedule: ScheduleConfig;
  /** L2 weight decay added to the gradient of the weights (not the biases). */
  weightDecay: number;
  /** The largest global gradient norm a step takes (@ablate/layers' clipGradNorm); null: no clipping. */
  clipGradNorm: number | null;
  /** Stop a run whose validation metric stopped improving (view/early-stop.js); null: never. */
  earlyStop: EarlyStopRule | null;
  /** Weight initializer (@ablate/layers' InitSpec). */
  init: InitSpec;
  /** Bias initializer. */
  biasInit: InitSpec;
  /**
   * When a run stalls (view/diagnosis.js): its train loss moved by no more than `tolerance`
   * (relative) over the last `epochs` epochs; either left out takes STALL's default. The trainer
   * stops such a run there, evaluated and stored, with status `stalled` (exec/train.ts).
   */
  stall?: { epochs?: number; tolerance?: number };
  /** A train loss above this (or NaN/Inf) stops the run as diverged. */
  divergenceLoss: number;
}

/** One run: everything that determines its numbers. Its hash is the run id. */
export interface RunConfig {
  /** The data and its split (documented with DataSpec, in @ablate/data). */
  data: ResolvedDataSpec;
  model: ModelConfig;
  train: TrainConfig;
  /** Seeds the run's own random streams (initialization, shuffling); never the data split. */
  seed: number;
}

/** How a sweep file expands into runs (see experiments/README.md for the semantics). */
export interface SweepSpec {
  /** Dotted run-config path -> the values it takes; the runs are the cartesian product of the axes. */
  grid: Record<string, unknown[]>;
  /** Groups of paths that vary together: equal-length lists, zipped; each group is one axis. */
  link: Record<string, unknown[]>[];
  /** Partial assignments; a grid point matching every key of one entry is dropped. */
  exclude: Record<string, unknown>[];
  /** Points drawn at random once, each a value per path; they form one more axis (see sample.ts). */
  sample?: SampleSpec;
  /** The seeds every grid point runs with (a count N in YAML means 1..N). */
  seeds: number[];
  /** Largest number of runs allowed (--max-runs overrides it); without it, over 200 is refused. */
  maxRuns?: number;
  /**
   * Stop hopeless groups early (./prune-rule.ts): a rule with its own fields only, median or
   * halving, on an epoch metric; without it every run trains to its last epoch.
   */
  prune?: PruneRule;
}

/** `sweep.sample`: how many points, from which seed, and how each path draws its value. */
export interface SampleSpec {
  /** Distinct points to draw. */
  count: number;
  /** Seeds the draws (not the runs): the same file gives the same points everywhere. */
  seed: number;
  /** Dotted run-config path -> {logUniform: [a, b]}, {uniform: [a, b]}, {intUniform: [a, b]} or {choice: [...]}. */
  params: Record<string, unknown>;
}

/** A sweep file once validated: the base run config (defaults filled) and how it varies. */
export interface SweepConfig {
  /** Names the sweep in the results database; a-z, 0-9, ".", "_" and "-". */
  name: string;
  /** The base run: what every run has unless the grid sets it. Paths in data are absolute. */
  data: ResolvedDataSpec;
  model: ModelConfig;
  train: TrainConfig;
  sweep: SweepSpec;
}
