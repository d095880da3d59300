// @ablate/layers: Dense layers, activations, losses, initializers, optimizers and the Sequential
// model that trains multi-layer perceptrons from a plain config object. The names, rules and
// defaults of those configs live here, as zod schemas that a config language composes its own from.
//
// Dimension legend, of every shape comment in this package: B = batch (rows); I = input features
// (of a Dense layer; of a model, its spec.input); O = output units (of a Dense layer; of a model,
// its spec.output); N = units of an activation, N_l those of layer l.
export {
  checkArchitecture,
  checkModelSpec,
  modelSpecSchema,
  type ActivationChoice,
  type ArchitectureSpec,
  type ModelSpec,
  type ResolvedModelSpec,
} from './model/spec.ts';
export { SpecError, type SpecPath } from './spec-error.ts';
export { Sequential, type Evaluation, type LayerStats, type SequentialOptions } from './model/sequential.ts';
export { PhaseTimer } from './model/timer.ts';
export type { ClassMetrics } from './model/metrics.ts';
export { Dense, type Param } from './layers/dense.ts';
export type { Layer } from './layers/layer.ts';
export {
  ComponentFault,
  componentRef,
  componentRefs,
  isComponentRef,
  type ComponentModules,
  type ComponentRef,
  type ComponentShape,
  type UserActivation,
  type UserLayer,
  type UserLoss,
} from './custom/component.ts';
export {
  checkActivation,
  checkLayer,
  checkLoss,
  GRADIENT_CHECK,
  type GradientCheckRow,
} from './custom/gradient-check.ts';
export { checkModel, type ModelCheckRow } from './custom/check-model.ts';
export { BatchNorm, BATCH_NORM_EPS, BATCH_NORM_MOMENTUM } from './layers/batch-norm.ts';
export { Dropout } from './layers/dropout.ts';
export { ACTIVATIONS, activation, type Activation, type ActivationName } from './activations/activation.ts';
export { LOSSES, loss, type Loss, type LossName } from './losses/loss.ts';
export { initialize, NAMED_INITS, type InitSpec } from './init/init.ts';
export { clipGradNorm, weightDecay, type Optimizer, type OptimizerState } from './optim/optimizer.ts';
export {
  OPTIMIZERS,
  OPTIMIZER_FIELDS,
  optimizerConfig,
  type OptimizerConfig,
  type OptimizerInput,
  type OptimizerName,
} from './optim/config.ts';
export { createOptimizer, type OptimizerSpec } from './optim/create.ts';
