// From a run's resolved config to the specs @ablate/layers builds a model from. The input and
// output sizes come from the prepared data, not the config, so one config fits any dataset.
import { Sequential, type ComponentModules, type ModelSpec, type OptimizerSpec } from '@ablate/layers';
import { Rng } from '@ablate/tensor';
import type { RunConfig, TrainConfig } from '../config/types.ts';

/**
 * Every random stream a run draws from, each derived from its seed under its own name, so a draw
 * added to one never shifts another's: the initial weights, the order of each epoch's samples, the
 * dropout masks. A checkpoint saves the position of each.
 */
export function runStreams(seed: number) {
  return {
    init: Rng.derive(seed, 'init'),
    shuffle: Rng.derive(seed, 'shuffle'),
    dropout: Rng.derive(seed, 'dropout'),
  };
}
export type RunStreams = ReturnType<typeof runStreams>;

/**
 * A run's model, initialized from the run's `init` stream, drawing its dropout masks from its
 * `dropout` stream, and with its optimizer at epoch 1. A model with custom components needs their
 * loaded modules (config/components.ts' loadComponents).
 */
export function buildModel(
  config: RunConfig,
  input: number,
  output: number,
  streams: RunStreams = runStreams(config.seed),
  modules?: ComponentModules,
): Sequential {
  return new Sequential(modelSpecOf(config, input, output), {
    rng: streams.init,
    dropoutRng: streams.dropout,
    optimizer: optimizerSpecOf(config.train),
    modules,
  });
}

/** Where each ModelSpec key comes from in a run config: a SpecError about a key is reported there. */
export const MODEL_SPEC_SOURCES: Record<keyof ModelSpec, string> = {
  input: 'data.source',
  hidden: 'model.hidden',
  layers: 'model.layers',
  activation: 'model.activation',
  leakySlope: 'model.leakySlope',
  dropout: 'model.dropout',
  batchNorm: 'model.batchNorm',
  output: 'model.outputActivation', // the output size is the data's; the activation is what one edits
  outputActivation: 'model.outputActivation',
  loss: 'model.loss',
  init: 'train.init',
  biasInit: 'train.biasInit',
};

/** The layers package's description of a run's network, for data with these input and output sizes. */
export function modelSpecOf(config: RunConfig, input: number, output: number): ModelSpec {
  const { model, train } = config;
  return { ...model, input, output, init: train.init, biasInit: train.biasInit };
}

/** The optimizer at its base lr; the trainer sets optimizer.lr to the schedule's before every epoch. */
export function optimizerSpecOf(train: TrainConfig): OptimizerSpec {
  return {
    ...train.optimizer,
    lr: train.lr,
    weightDecay: train.weightDecay,
    clipGradNorm: train.clipGradNorm,
  };
}
