// From a run's resolved config to the specs @ablate/layers builds a model from. The input and
// output sizes come from the prepared data, not the config, so one config fits any dataset.
import { Sequential, type ModelSpec, type OptimizerSpec } from '@ablate/layers';
import { Rng } from '@ablate/tensor';
import type { RunConfig, TrainConfig } from '../config/types.ts';

/** A run's model, initialized from the run's own `init` stream and with its optimizer at epoch 1. */
export function buildModel(config: RunConfig, input: number, output: number): Sequential {
  return new Sequential(modelSpecOf(config, input, output), {
    rng: Rng.derive(config.seed, 'init'),
    optimizer: optimizerSpecOf(config.train),
  });
}

/** The layers package's description of a run's network, for data with these input and output sizes. */
export function modelSpecOf(config: RunConfig, input: number, output: number): ModelSpec {
  const { model, train } = config;
  return {
    input,
    hidden: model.hidden,
    activation: model.activation,
    leakySlope: model.leakySlope,
    output,
    outputActivation: model.outputActivation,
    loss: model.loss,
    init: train.init,
    biasInit: train.biasInit,
  };
}

/** The optimizer at epoch 1; the trainer lowers optimizer.lr by lrDecay after every epoch. */
export function optimizerSpecOf(train: TrainConfig): OptimizerSpec {
  const { optimizer: name, lr, momentum, momentumForm, beta1, beta2, eps, rho, weightDecay } = train;
  return { name, lr, momentum, momentumForm, beta1, beta2, eps, rho, weightDecay };
}

/** The learning rate of a 1-based epoch. */
export function lrAtEpoch(train: TrainConfig, epoch: number): number {
  return train.lr * train.lrDecay ** (epoch - 1);
}
