// The optimizer base: owns the parameter list, clips the gradients' global norm, adds L2 weight
// decay to the gradients, counts steps and keeps per-parameter state buffers ("slots": velocity,
// squared-gradient averages), created at the first step (while the base constructor runs, a
// subclass's slotCount is not set yet) and exposed for checkpoints. Subclasses only say how many
// slots they need and how one parameter is updated, and may offer that update fused with the
// weight gradient's matmul.
import { kernels, releaseResident, residentZeros, type Tensor } from '@ablate/tensor';
import { z } from 'zod';
import type { Param, WeightStep } from '../layers/dense.ts';
import type { OptimizerConfig } from './config.ts';

/** L2 coefficient: g += weightDecay w on weights, not biases. */
export const weightDecay = z.number().min(0).default(0);

/**
 * The largest global gradient norm a step takes (null: no clipping). Above it, every gradient is
 * scaled by clipGradNorm / norm (rounded to float32, each scaled gradient too), the norm taken
 * over all parameters' gradients together, before weight decay is added (PyTorch's
 * clip_grad_norm_ before an optimizer's own decay).
 */
export const clipGradNorm = z.number().gt(0).nullable().default(null);

/** What every rule reads besides its own config. */
export interface StepSettings {
  /** Learning rate (the runner may change optimizer.lr between epochs). */
  lr: number;
  weightDecay: number;
  clipGradNorm: number | null;
}

/** A checkpoint of the optimizer: step count and the slot buffers of every parameter, by name. */
export interface OptimizerState {
  name: OptimizerConfig['name'];
  t: number;
  slots: Record<string, Float32Array[]>;
}

export abstract class Optimizer {
  lr: number;
  /** Steps taken so far (Adam's bias correction needs it). */
  protected t = 0;
  private slots: Float32Array[][] | null = null;
  private readonly weightDecay: number;
  /** The clipping norm (null: none), as in StepSettings. */
  readonly clipGradNorm: number | null;
  /** The global gradient norm of the last step, before clipping (NaN before the first). */
  lastGradNorm = NaN;

  constructor(
    private readonly params: readonly Param[],
    /** The rule and its own fields, defaults filled in. */
    readonly config: OptimizerConfig,
    settings: StepSettings,
  ) {
    this.lr = settings.lr;
    this.weightDecay = settings.weightDecay;
    this.clipGradNorm = settings.clipGradNorm;
  }

  /** How many state buffers, each the size of the parameter, the rule keeps per parameter. */
  protected abstract readonly slotCount: number;

  /**
   * Updates one parameter in place from its gradient scale g (scale g rounded to float32: the
   * clipped gradient, 1 when not clipping; weight decay already added to g, scale 1 then).
   */
  protected abstract update(w: Float32Array, g: Float32Array, slots: Float32Array[], scale: number): void;

  /**
   * The same update from the gradient x^T dy, which one kernel computes a tile at a time and applies
   * as each tile is computed, never storing it. Only for rules that read neither the step count
   * nor what step() adds to the gradient (weight decay).
   */
  protected fusedUpdate?(
    x: Tensor, // (B, I)
    dy: Tensor, // (B, O)
    w: Float32Array, // (I, O)
    slots: Float32Array[],
  ): void;

  // Parameters a fused step updated since the last step(), which leaves them alone.
  private readonly updatedEarly = new Set<Param>();
  // With clipping: the sum of squares of the weight gradients a fused step stored since the last step().
  private readonly stored = new Map<Param, number>();

  /**
   * What the backward pass (Dense.backward) does with a weight gradient x^T dy in place of dW +=,
   * or undefined for dW +=. Without clipping, the rule's fused update when it has one and weight
   * decay is off: W is updated from the gradient, which is never stored (W.grad is left as it
   * was). With clipping, which needs every gradient before any update: W.grad = x^T dy (written
   * whole, not added) and its sum of squares, taken in the same pass, for the norm.
   */
  fusedStep(): WeightStep | undefined {
    if (this.clipGradNorm !== null)
      return (W, x, dy) => {
        this.stored.set(
          W,
          kernels().matmulAtBSumSquares(W.grad.data, x.data, dy.data, x.cols, x.rows, dy.cols),
        );
      };
    const fused = this.fusedUpdate?.bind(this);
    if (!fused || this.weightDecay !== 0) return undefined;
    return (W, x, dy) => {
      fused(x, dy, W.value.data, this.slotsOf(this.params.indexOf(W)));
      this.updatedEarly.add(W);
    };
  }

  step(): void {
    this.t++;
    // The clipped gradient is scale g: each rule's update takes the scale, so clipping adds no pass.
    const scale = this.clipGradNorm === null ? 1 : this.clipScale(this.clipGradNorm);
    for (let i = 0; i < this.params.length; i++) {
      const p = this.params[i];
      if (this.updatedEarly.has(p)) continue;
      const w = p.value.data;
      const g = p.grad.data;
      if (this.weightDecay !== 0 && p.decay) {
        for (let j = 0; j < g.length; j++) g[j] = Math.fround(scale * g[j]) + this.weightDecay * w[j];
        this.update(w, g, this.slotsOf(i), 1);
      } else this.update(w, g, this.slotsOf(i), scale);
    }
    this.updatedEarly.clear();
    this.stored.clear();
  }

  /**
   * max / norm rounded to float32 when the gradients' global L2 norm is above max, else 1. The sum
   * of squares is taken parameter after parameter, in float64: a weight gradient's as its matmul
   * stored it (fusedStep), any other's here, in order.
   */
  private clipScale(max: number): number {
    let sum = 0;
    for (const p of this.params) {
      const stored = this.stored.get(p);
      if (stored !== undefined) {
        sum += stored;
        continue;
      }
      const g = p.grad.data;
      for (let j = 0; j < g.length; j++) sum += g[j] * g[j];
    }
    const norm = (this.lastGradNorm = Math.sqrt(sum));
    // A NaN norm is left for divergence to catch.
    return norm > max ? Math.fround(max / norm) : 1;
  }

  zeroGrad(): void {
    for (const p of this.params) p.grad.data.fill(0);
  }

  private slotsOf(i: number): Float32Array[] {
    this.slots ??= this.params.map((p) =>
      Array.from({ length: this.slotCount }, () => residentZeros([p.value.size]).data),
    );
    return this.slots[i];
  }

  /** Frees the slot buffers' memory now (see releaseResident); the optimizer is not used after. */
  dispose(): void {
    if (this.slots) releaseResident(...this.slots.flat());
    this.slots = null;
  }

  /** A copy of the state (typed arrays; structured-clone safe). */
  getState(): OptimizerState {
    const slots: Record<string, Float32Array[]> = {};
    this.params.forEach((p, i) => (slots[p.name] = this.slots ? this.slots[i].map((s) => s.slice()) : []));
    return { name: this.config.name, t: this.t, slots };
  }

  setState(state: OptimizerState): void {
    if (state?.name !== this.config.name)
      throw new Error(`optimizer state is for '${state?.name}', this optimizer is '${this.config.name}'`);
    const restored = this.params.map((p) => {
      const slots = state.slots[p.name];
      if (!slots) throw new Error(`optimizer state has no entry for parameter ${p.name}`);
      if (slots.some((b) => b.length !== p.value.size))
        throw new Error(`optimizer state for ${p.name} does not match its size ${p.value.size}`);
      return slots.map((b) => {
        const slot = residentZeros([b.length]).data;
        slot.set(b);
        return slot;
      });
    });
    // A state saved before the first step has empty slot lists: stay lazy.
    this.slots = restored.every((sl) => sl.length === this.slotCount) ? restored : null;
    this.t = state.t;
  }
}
