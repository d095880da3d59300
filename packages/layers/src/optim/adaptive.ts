// Per-coordinate adaptive rules, in order of increasing complexity: Adagrad, RMSProp, Adam.
// Each divides the step by a running measure of the squared gradient, plus eps (outside the
// root, as in PyTorch).
import { kernels } from '@ablate/tensor';
import type { Param } from '../layers/dense.ts';
import { Optimizer, type OptimizerSpec } from './optimizer.ts';

/**
 * Adagrad: s += g^2;  w -= lr g / (sqrt(s) + eps): steps shrink as gradients accumulate.
 * Written as s = keep s + add g^2 (keep = add = 1) so that RMSProp below only changes the weights.
 */
export class Adagrad extends Optimizer {
  protected readonly slotCount = 1;
  private readonly eps: number;

  constructor(
    params: readonly Param[],
    spec: OptimizerSpec,
    private readonly keep = 1,
    private readonly add = 1,
  ) {
    super(params, spec);
    this.eps = spec.eps ?? 1e-8;
  }

  protected update(w: Float32Array, g: Float32Array, [s]: Float32Array[]): void {
    kernels().adagrad(w, g, s, this.lr, this.eps, this.keep, this.add);
  }
}

/** RMSProp: s = rho s + (1 - rho) g^2, then as Adagrad: Adagrad with a forgetting average. */
export class RMSProp extends Adagrad {
  constructor(params: readonly Param[], spec: OptimizerSpec) {
    const rho = spec.rho ?? 0.9;
    super(params, spec, rho, 1 - rho);
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

  constructor(params: readonly Param[], spec: OptimizerSpec) {
    super(params, spec);
    this.eps = spec.eps ?? 1e-8;
    this.beta1 = spec.beta1 ?? 0.9;
    this.beta2 = spec.beta2 ?? 0.999;
  }

  protected update(w: Float32Array, g: Float32Array, [m, v]: Float32Array[]): void {
    const { lr, eps, beta1, beta2 } = this;
    const c1 = 1 - beta1 ** this.t;
    const c2 = 1 - beta2 ** this.t;
    kernels().adam(w, g, m, v, lr, beta1, beta2, eps, c1, c2);
  }
}
