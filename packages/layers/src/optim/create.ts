// From an OptimizerSpec to an optimizer over the given parameters, with the spec checked first.
import type { Param } from '../layers/dense.ts';
import { Adagrad, Adam, RMSProp } from './adaptive.ts';
import { OPTIMIZERS, type Optimizer, type OptimizerSpec } from './optimizer.ts';
import { Momentum, SGD } from './sgd.ts';

/** Throws an Error with a one-line message naming the offending key and what was expected. */
function checkOptimizerSpec(spec: OptimizerSpec): void {
  const bad = (key: string, expected: string, got: unknown): never => {
    throw new Error(`optimizer.${key}: expected ${expected}, got ${JSON.stringify(got)}`);
  };
  if (!OPTIMIZERS.includes(spec?.name)) bad('name', `one of ${OPTIMIZERS.join(', ')}`, spec?.name);
  if (!(typeof spec.lr === 'number' && spec.lr >= 0 && Number.isFinite(spec.lr)))
    bad('lr', 'a finite number >= 0', spec.lr);
  for (const key of ['momentum', 'beta1', 'beta2', 'rho'] as const) {
    const v = spec[key];
    if (v !== undefined && !(typeof v === 'number' && v >= 0 && v < 1)) bad(key, 'a number in [0, 1)', v);
  }
  for (const key of ['eps', 'weightDecay'] as const) {
    const v = spec[key];
    if (v !== undefined && !(typeof v === 'number' && v >= 0 && Number.isFinite(v)))
      bad(key, 'a finite number >= 0', v);
  }
  if (spec.momentumForm !== undefined && spec.momentumForm !== 'heavy_ball' && spec.momentumForm !== 'ema') {
    bad('momentumForm', "'heavy_ball' or 'ema'", spec.momentumForm);
  }
}

export function createOptimizer(params: readonly Param[], spec: OptimizerSpec): Optimizer {
  checkOptimizerSpec(spec);
  switch (spec.name) {
    case 'sgd':
      return new SGD(params, spec);
    case 'momentum':
      return new Momentum(params, spec, false);
    case 'nesterov':
      return new Momentum(params, spec, true);
    case 'adagrad':
      return new Adagrad(params, spec);
    case 'rmsprop':
      return new RMSProp(params, spec);
    case 'adam':
      return new Adam(params, spec);
  }
}
