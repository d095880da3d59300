// @ablate/layers: Dense layers, activations, losses, initializers, optimizers and the Sequential
// model that trains multi-layer perceptrons from a plain config object.
export { checkModelSpec, type ActivationName, type LossName, type ModelSpec } from './model/spec.ts';
export { Sequential, type Evaluation, type LayerStats, type SequentialOptions } from './model/sequential.ts';
export { PhaseTimer } from './model/timer.ts';
export type { ClassMetrics } from './model/metrics.ts';
export { Dense, type Param } from './layers/dense.ts';
export { activation, type Activation } from './activations/activation.ts';
export { loss, type Loss } from './losses/loss.ts';
export { initialize, type InitSpec } from './init/init.ts';
export type { Optimizer, OptimizerSpec, OptimizerState } from './optim/optimizer.ts';
export { createOptimizer } from './optim/create.ts';
