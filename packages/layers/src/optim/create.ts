// From an OptimizerSpec to an optimizer over the given parameters, with the spec checked first.
import { z } from 'zod';
import type { Param } from '../layers/dense.ts';
import { parseSpec } from '../spec-error.ts';
import { Adagrad, Adam, RMSProp } from './adaptive.ts';
import { optimizerConfig, type OptimizerConfig, type OptimizerInput } from './config.ts';
import { clipGradNorm, weightDecay, type Optimizer } from './optimizer.ts';
import { Momentum, SGD } from './sgd.ts';

/** One object for code that builds an optimizer directly: the rule's config plus the step settings. */
export type OptimizerSpec = Exclude<OptimizerInput, string> & {
  /** Learning rate at the first step. */
  lr: number;
  weightDecay?: number;
  clipGradNorm?: number | null;
};

const finite = { error: 'expected a finite number >= 0' };
const settings = z.object({
  lr: z.number(finite).min(0, finite).max(Number.MAX_VALUE, finite),
  weightDecay,
  clipGradNorm,
});

/** Throws a SpecError ("optimizer.<key>: <what>") for a bad spec. */
export function createOptimizer(params: readonly Param[], spec: OptimizerSpec): Optimizer {
  const { lr, weightDecay: decay, clipGradNorm: clip, ...rule } = spec;
  const step = parseSpec('optimizer', settings, { lr, weightDecay: decay, clipGradNorm: clip });
  const config: OptimizerConfig = parseSpec('optimizer', optimizerConfig, rule);
  switch (config.name) {
    case 'sgd':
      return new SGD(params, config, step);
    case 'momentum':
    case 'nesterov':
      return new Momentum(params, config, step);
    case 'adagrad':
      return new Adagrad(params, config, step);
    case 'rmsprop':
      return new RMSProp(params, config, step);
    case 'adam':
      return new Adam(params, config, step);
  }
}
