// From a run's resolved config to the specs @ablate/layers builds a model from. The input and
// output sizes come from the prepared data, not the config, so one config fits any dataset.
import type { ModelSpec, OptimizerSpec } from '@ablate/layers';
import type { RunConfig, TrainConfig } from '../config/types.ts';

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
