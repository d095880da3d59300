// The first-order rules: plain SGD, then momentum (heavy-ball or EMA form) and Nesterov.
import type { Param } from '../layers/dense.ts';
import { Optimizer, type OptimizerSpec } from './optimizer.ts';

/** w -= lr g */
export class SGD extends Optimizer {
  protected readonly slotCount = 0;

  protected update(w: Float32Array, g: Float32Array): void {
    const lr = this.lr;
    for (let i = 0; i < w.length; i++) w[i] -= lr * g[i];
  }
}

/**
 * Momentum, one velocity v per parameter, v = mu v + c g, with c = 1 (heavy ball, PyTorch) or
 * c = 1 - mu (EMA, lesson 001: the same direction with steps (1 - mu) times smaller).
 *   classical: w -= lr v
 *   nesterov:  w -= lr (c g + mu v)   (the gradient "looked ahead" along v, PyTorch's form)
 */
export class Momentum extends Optimizer {
  protected readonly slotCount = 1;
  private readonly mu: number;
  private readonly c: number;

  constructor(
    params: readonly Param[],
    spec: OptimizerSpec,
    private readonly nesterov: boolean,
  ) {
    super(params, spec);
    this.mu = spec.momentum ?? 0.9;
    this.c = spec.momentumForm === 'ema' ? 1 - this.mu : 1;
  }

  protected update(w: Float32Array, g: Float32Array, [v]: Float32Array[]): void {
    const { lr, mu, c, nesterov } = this;
    for (let i = 0; i < w.length; i++) {
      const vi = mu * v[i] + c * g[i];
      v[i] = vi;
      w[i] -= lr * (nesterov ? c * g[i] + mu * vi : vi);
    }
  }
}
