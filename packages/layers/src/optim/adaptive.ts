// Per-coordinate adaptive rules, in order of increasing complexity: Adagrad, RMSProp, Adam.
// Each divides the step by a running measure of the squared gradient, plus eps (outside the
// root, as in PyTorch). Each rule's config schema sits beside its class.
import { kernels } from '@ablate/tensor';
import { z } from 'zod';
import type { Param } from '../layers/dense.ts';
import { Optimizer, type StepSettings } from './optimizer.ts';

/** Added to the root in the denominator, so a zero second moment never divides by zero. */
const eps = z.number().gt(0).default(1e-8);
const decay = (fallback: number) => z.number().min(0).lt(1).default(fallback);

export const adagradConfig = z.strictObject({ name: z.literal('adagrad'), eps });
export const rmspropConfig = z.strictObject({
  name: z.literal('rmsprop'),
  /** Decay of the squared-gradient average. */
  rho: decay(0.9),
  eps,
});
export const adamConfig = z.strictObject({
  name: z.literal('adam'),
  /** Decay of the first-moment (mean gradient) average. */
  beta1: decay(0.9),
  /** Decay of the second-moment (squared gradient) average. */
  beta2: decay(0.999),
  eps,
});

/**
 * Adagrad: s += g^2;  w -= lr g / (sqrt(s) + eps): steps shrink as gradients accumulate.
 * Written as s = keep s + add g^2 (keep = add = 1) so that RMSProp below only changes the weights.
 */
export class Adagrad extends Optimizer {
  protected readonly slotCount = 1;
  private readonly eps: number;

  constructor(
    params: readonly Param[],
    config: z.output<typeof adagradConfig> | z.output<typeof rmspropConfig>,
    settings: StepSettings,
    private readonly keep = 1,
    private readonly add = 1,
  ) {
    super(params, config, settings);
    this.eps = config.eps;
  }

  protected update(w: Float32Array, g: Float32Array, [s]: Float32Array[], scale: number): void {
    kernels().adagrad(w, g, s, this.lr, this.eps, this.keep, this.add, scale);
  }
}

/** RMSProp: s = rho s + (1 - rho) g^2, then as Adagrad: Adagrad with a forgetting average. */
export class RMSProp extends Adagrad {
  constructor(params: readonly Param[], config: z.output<typeof rmspropConfig>, settings: StepSettings) {
    super(params, config, settings, config.rho, 1 - config.rho);
  }
}

/**
 * m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;  w -= lr m^ / (sqrt(v^) + eps), with the bias
 * corrections m^ = m / (1 - b1^t), v^ = v / (1 - b2^t) (both averages start at 0).
 */
export class Adam extends Optimizer {
  protected readonly slotCount = 2;
  private readonly eps: number;
  private readonly beta1: number;
  private readonly beta2: number;

  constructor(params: readonly Param[], config: z.output<typeof adamConfig>, settings: StepSettings) {
    super(params, config, settings);
    this.eps = config.eps;
    this.beta1 = config.beta1;
    this.beta2 = config.beta2;
  }

  protected update(w: Float32Array, g: Float32Array, [m, v]: Float32Array[], scale: number): void {
    const { lr, eps, beta1, beta2 } = this;
    const c1 = 1 - beta1 ** this.t;
    const c2 = 1 - beta2 ** this.t;
    kernels().adam(w, g, m, v, lr, beta1, beta2, eps, c1, c2, scale);
  }
}
