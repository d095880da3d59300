// The first-order rules: plain SGD, then momentum (heavy-ball or EMA form) and Nesterov.
import { kernels } from '@ablate/tensor';
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

  // A tensor kernel (WebAssembly SIMD on the fast path): this loop touches every parameter each
  // step, and as a scalar JS loop it cost a fifth of a training step at batch 128.
  protected update(w: Float32Array, g: Float32Array, [v]: Float32Array[]): void {
    kernels().momentum(w, g, v, this.lr, this.mu, this.c, this.nesterov);
  }
}
