// The shape of one training run once a sweep has been expanded and every default filled in.
// The YAML schema (./schema.ts) validates input into these types; the executor consumes them.
// Keys are written in YAML exactly as here (camelCase); grid keys are dotted paths into this object
// ("train.lr", "model.hidden").
import type { ActivationName, InitSpec, LossName, OptimizerSpec } from '@ablate/layers';
import type { DataSpec } from '@ablate/data';

export interface ModelConfig {
  /** Sizes of the hidden Dense layers, input side first ([] is logistic regression). */
  hidden: number[];
  /** Hidden activation: one for all layers, or one per hidden layer. */
  activation: ActivationName | ActivationName[];
  /** Slope of leaky_relu for negative inputs. */
  leakySlope: number;
  /** Activation of the output layer (softmax for classes, sigmoid for one-vs-rest). */
  outputActivation: ActivationName;
  loss: LossName;
}

export interface TrainConfig {
  epochs: number;
  batchSize: number;
  /** Keep the last, smaller batch of an epoch (true) or drop it. */
  keepLastBatch: boolean;
  optimizer: OptimizerSpec['name'];
  /** Learning rate at epoch 1. */
  lr: number;
  /** Multiply the learning rate by this after every epoch (1 = constant). */
  lrDecay: number;
  /** Momentum coefficient for momentum / nesterov. */
  momentum: number;
  /** heavy_ball: v = mu v + g; ema: v = beta v + (1 - beta) g (the lessons' form). */
  momentumForm: 'heavy_ball' | 'ema';
  beta1: number;
  beta2: number;
  eps: number;
  rho: number;
  /** L2 weight decay added to the gradient. */
  weightDecay: number;
  /** Weight initializer. */
  init: InitSpec;
  /** Bias initializer. */
  biasInit: InitSpec;
  /** A train loss above this (or NaN/Inf) stops the run as diverged. */
  divergenceLoss: number;
}

/** One run: everything that determines its numbers. Its hash is the run id. */
export interface RunConfig {
  data: DataSpec;
  model: ModelConfig;
  train: TrainConfig;
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
  /** The seeds every grid point runs with (a count N in YAML means 1..N). */
  seeds: number[];
  /** Largest number of runs allowed; without it a sweep over 200 runs is refused. */
  maxRuns?: number;
}

/** A sweep file once validated: the base run config (defaults filled) and how it varies. */
export interface SweepConfig {
  /** Names the sweep in the results database; a-z, 0-9, ".", "_" and "-". */
  name: string;
  data: DataSpec;
  model: ModelConfig;
  train: TrainConfig;
  sweep: SweepSpec;
}
