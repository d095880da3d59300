// The first-order rules: plain SGD, then momentum (heavy-ball or EMA form) and Nesterov. Each rule's
// config schema (its fields and their defaults) sits beside its class.
import { kernels, type Tensor } from '@ablate/tensor';
import { z } from 'zod';
import type { Param } from '../layers/dense.ts';
import { Optimizer, type StepSettings } from './optimizer.ts';

export const sgdConfig = z.strictObject({ name: z.literal('sgd') });

const momentumFields = {
  /** The coefficient mu: the share of the velocity kept from one step to the next. */
  momentum: z.number().min(0).lt(1).default(0.9),
  /** heavy_ball: v = mu v + g (PyTorch).  ema (lesson 001): v = mu v + (1 - mu) g, a running average. */
  momentumForm: z.enum(['heavy_ball', 'ema']).default('heavy_ball'),
};
export const momentumConfig = z.strictObject({ name: z.literal('momentum'), ...momentumFields });
export const nesterovConfig = z.strictObject({ name: z.literal('nesterov'), ...momentumFields });

/** w -= lr g */
export class SGD extends Optimizer {
  protected readonly slotCount = 0;

  protected update(w: Float32Array, g: Float32Array, _slots: Float32Array[], scale: number): void {
    const lr = this.lr;
    for (let i = 0; i < w.length; i++) w[i] -= lr * Math.fround(scale * g[i]);
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
  private readonly nesterov: boolean;

  constructor(
    params: readonly Param[],
    config: z.output<typeof momentumConfig> | z.output<typeof nesterovConfig>,
    settings: StepSettings,
  ) {
    super(params, config, settings);
    this.mu = config.momentum;
    this.c = config.momentumForm === 'ema' ? 1 - this.mu : 1;
    this.nesterov = config.name === 'nesterov';
  }

  // A tensor kernel (C or WebAssembly SIMD in the optimized kernel sets): this loop touches every
  // parameter each step, and as a scalar JS loop it cost a fifth of a training step at batch 128.
  protected update(w: Float32Array, g: Float32Array, [v]: Float32Array[], scale: number): void {
    kernels().momentum(w, g, v, this.lr, this.mu, this.c, this.nesterov, scale);
  }

  // At small batches this update is much of a step's memory traffic (it reads w, g and v and writes
  // w and v); fused, the gradient is never written, zeroed or read back.
  protected override fusedUpdate(x: Tensor, dy: Tensor, w: Float32Array, [v]: Float32Array[]): void {
    const { lr, mu, c, nesterov } = this;
    kernels().matmulAtBMomentum(x.data, dy.data, x.cols, x.rows, dy.cols, w, v, lr, mu, c, nesterov);
  }
}
