// Weight initializers. The fan-based ones form one VarianceScaling family (as in tfjs): draws with
//   Var[w] = scale / n,   n = fanIn | fanOut | (fanIn + fanOut) / 2
// from a normal N(0, Var) or a uniform U(-sqrt(3 Var), sqrt(3 Var)) (same variance). Plain normal
// (untruncated) draws everywhere: a learner can check the printed std against the formula.
import type { Rng, Tensor } from '@ablate/tensor';
import { z } from 'zod';

export type InitSpec =
  | 'zeros' // Var = 0: right for biases; as weights every hidden unit stays identical (no symmetry breaking)
  | 'glorot_normal' // Var = 2 / (in + out)   Glorot & Bengio 2010, keeps forward and backward variance
  | 'glorot_uniform' // Var = 2 / (in + out), uniform with limit sqrt(6 / (in + out))
  | 'he_normal' // Var = 2 / in   He et al. 2015, for ReLU (which zeroes half the signal)
  | 'he_uniform' // Var = 2 / in, uniform with limit sqrt(6 / in)
  | 'lecun_normal' // Var = 1 / in   "shrink the variance of each layer to 1/n" (lesson 001)
  | { name: 'normal'; std: number } // Var = std^2   (the lessons use std 0.1)
  | { name: 'uniform'; scale: number }; // U(-scale, scale): Var = scale^2 / 3

/** Var[w] = scale / n, n chosen by mode; drawn from a normal or a uniform distribution. */
interface VarianceScaling {
  scale: number;
  mode: 'fan_in' | 'fan_out' | 'fan_avg';
  distribution: 'normal' | 'uniform';
}

/** The named fan-based initializers (every InitSpec name but 'zeros') in the VarianceScaling family. */
const VARIANCE_SCALING: Record<Exclude<InitSpec, 'zeros' | object>, VarianceScaling> = {
  glorot_normal: { scale: 1, mode: 'fan_avg', distribution: 'normal' },
  glorot_uniform: { scale: 1, mode: 'fan_avg', distribution: 'uniform' },
  he_normal: { scale: 2, mode: 'fan_in', distribution: 'normal' },
  he_uniform: { scale: 2, mode: 'fan_in', distribution: 'uniform' },
  lecun_normal: { scale: 1, mode: 'fan_in', distribution: 'normal' },
};

/** Every named initializer: the one list, for configs, schemas and messages. */
export const NAMED_INITS = ['zeros', ...(Object.keys(VARIANCE_SCALING) as (keyof typeof VARIANCE_SCALING)[])];

const scale = z.number().min(0).max(Number.MAX_VALUE, { error: 'expected a finite number >= 0' });
export const initSpec = z.union(
  [
    z.enum(NAMED_INITS as [string, ...string[]]),
    z.discriminatedUnion('name', [
      z.strictObject({ name: z.literal('normal'), std: scale }),
      z.strictObject({ name: z.literal('uniform'), scale }),
    ]),
  ],
  { error: `expected one of ${NAMED_INITS.join(', ')}, {name: normal, std} or {name: uniform, scale}` },
) as z.ZodType<InitSpec>;

interface Draw {
  variance: number;
  distribution: 'normal' | 'uniform';
}

function resolve(spec: InitSpec, fanIn: number, fanOut: number): Draw {
  if (spec === 'zeros') return { variance: 0, distribution: 'normal' };
  if (typeof spec === 'object') {
    return spec.name === 'normal'
      ? { variance: spec.std ** 2, distribution: 'normal' }
      : { variance: spec.scale ** 2 / 3, distribution: 'uniform' };
  }
  const vs = VARIANCE_SCALING[spec];
  const n = vs.mode === 'fan_in' ? fanIn : vs.mode === 'fan_out' ? fanOut : (fanIn + fanOut) / 2;
  return { variance: vs.scale / n, distribution: vs.distribution };
}

/** Fills t with draws from rng, in index order (so a seed fixes every value). */
export function initialize(t: Tensor, spec: InitSpec, fanIn: number, fanOut: number, rng: Rng): Tensor {
  const d = t.data;
  const { variance, distribution } = resolve(spec, fanIn, fanOut);
  if (variance === 0) {
    d.fill(0);
  } else if (distribution === 'uniform') {
    const limit = Math.sqrt(3 * variance);
    for (let i = 0; i < d.length; i++) d[i] = rng.uniformIn(-limit, limit);
  } else {
    const std = Math.sqrt(variance);
    for (let i = 0; i < d.length; i++) d[i] = std * rng.normal();
  }
  return t;
}
