// @ablate/layers: Dense layers, activations, losses, initializers, optimizers and the Sequential
// model that trains multi-layer perceptrons from a plain config object.
export { checkModelSpec, type ActivationName, type LossName, type ModelSpec } from './model/spec.ts';
export { Sequential, type Evaluation, type LayerStats, type SequentialOptions } from './model/sequential.ts';
export { PhaseTimer } from './model/timer.ts';
export type { ClassMetrics } from './model/metrics.ts';
export { Dense, type Param } from './layers/dense.ts';
export { activation, type Activation } from './activations/activation.ts';
export { loss, type Loss } from './losses/loss.ts';
export {
  initialize,
  initVariance,
  VARIANCE_SCALING,
  type InitSpec,
  type VarianceScaling,
} from './init/init.ts';
export { Optimizer, type OptimizerSpec, type OptimizerState } from './optim/optimizer.ts';
export { SGD, Momentum } from './optim/sgd.ts';
export { Adagrad, RMSProp, Adam } from './optim/adaptive.ts';
export { createOptimizer, checkOptimizerSpec } from './optim/create.ts';
