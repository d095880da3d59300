// Sequential: a stack of Dense layers, each followed by its activation, built from a ModelSpec.
//
// Dimension legend: see ../index.ts.
// Layer l computes z_l = a_{l-1} W_l + b_l and a_l = f_l(z_l), with a_{-1} = x.
// Every buffer is allocated for the largest batch seen; smaller batches (the last partial one)
// use row views of it, cached for the current batch size, so a training step allocates nothing.
import { Tensor, copy, formatShape, releaseResident, type Rng } from '@ablate/tensor';
import { activation, type Activation } from '../activations/activation.ts';
import { initialize } from '../init/init.ts';
import { Dense, type Param, type WeightStep } from '../layers/dense.ts';
import { loss, type Loss } from '../losses/loss.ts';
import { createOptimizer } from '../optim/create.ts';
import type { OptimizerSpec } from '../optim/create.ts';
import type { Optimizer } from '../optim/optimizer.ts';
import {
  accuracyOf,
  classMetrics,
  countConfusion,
  countCorrect,
  meanStd,
  type ClassMetrics,
} from './metrics.ts';
import { checkModelSpec, hiddenActivation, type ModelSpec, type ResolvedModelSpec } from './spec.ts';
import type { PhaseTimer } from './timer.ts';

export interface Evaluation {
  /** Mean loss over all samples. */
  loss: number;
  accuracy: number;
  /** [true class][predicted class]; binary (1 output) -> 2x2. */
  confusion: number[][];
  perClass: ClassMetrics[];
}

/**
 * One Dense layer's statistics on a batch. The statistics are named as the runner's results store
 * names its columns (layer_stats), so one statistic has one name from the model to the dashboard.
 */
export interface LayerStats {
  layer: number;
  /** e.g. "dense1 (relu)". */
  name: string;
  /** Mean and std of the layer's output activations a_l over the batch. */
  act_mean: number;
  act_std: number;
  /** Mean and std of the loss gradient with respect to the layer's weights W_l. */
  grad_mean: number;
  grad_std: number;
}

export interface SequentialOptions {
  /** Draws the initial weights (layer by layer, W then b). */
  rng: Rng;
  optimizer: OptimizerSpec;
  /** When given, trainStep charges its time to phases (dense forward, activations, ...). */
  timer?: PhaseTimer;
}

/** Per-layer activation buffers: z_l, a_l and their gradients, all (B, N_l). */
interface Buffers {
  z: Tensor[];
  a: Tensor[];
  dz: Tensor[];
  da: Tensor[];
}

const EVAL_BATCH = 256;

export class Sequential {
  /** The model's config, defaults filled in. */
  readonly spec: ResolvedModelSpec;
  readonly optimizer: Optimizer;
  readonly layers: Dense[];
  readonly activations: Activation[];
  readonly params: Param[];
  private readonly loss: Loss;
  private readonly timer: PhaseTimer | undefined;
  // The optimizer's update of the weights fused into the backward pass, when its rule has one.
  private readonly fusedStep: WeightStep | undefined;
  private full: Buffers | null = null;
  private view: Buffers | null = null;
  private argmaxScratch: Int32Array[] = [];
  /**
   * Rows of the last trainStep's batch classified right, judged on the forward pass the loss came
   * from (before that step's update): summed over an epoch it is the running train accuracy, at no
   * extra cost.
   */
  lastCorrect = 0;
  private disposed = false;

  constructor(config: ModelSpec, options: SequentialOptions) {
    const spec = (this.spec = checkModelSpec(config));
    const sizes = [spec.input, ...spec.hidden, spec.output];
    this.layers = sizes.slice(1).map((n, l) => new Dense(`dense${l}`, sizes[l], n));
    const names = [...spec.hidden.map((_, l) => hiddenActivation(spec, l)), spec.outputActivation];
    this.activations = names.map((name) => activation(name, spec.leakySlope));
    this.loss = loss(spec.loss);
    for (const layer of this.layers) {
      initialize(layer.W.value, spec.init, layer.inputs, layer.outputs, options.rng);
      initialize(layer.b.value, spec.biasInit, layer.inputs, layer.outputs, options.rng);
    }
    this.params = this.layers.flatMap((layer) => layer.params);
    this.optimizer = createOptimizer(this.params, options.optimizer);
    this.fusedStep = this.optimizer.fusedStep();
    this.timer = options.timer;
  }

  /** Forward, backward and one optimizer step on a batch; returns the batch's mean loss. */
  trainStep(
    x: Tensor, // (B, I)
    y: Tensor, // (B, O)
  ): number {
    this.timer?.start();
    const value = this.forwardBackward(x, y, this.timer, this.fusedStep);
    const buf = this.view as Buffers;
    this.lastCorrect = countCorrect(buf.a[buf.a.length - 1], y, this.argmaxScratch);
    this.timer?.lap('metrics'); // argmax per row, kept out of the optimizer's share
    this.optimizer.step();
    this.timer?.lap('optimizer');
    return value;
  }

  /** Loss, accuracy, confusion matrix and per-class precision/recall/F1 over all rows. */
  evaluate(
    x: Tensor, // (n, I)
    y: Tensor, // (n, O)
    batchSize = EVAL_BATCH,
  ): Evaluation {
    this.checkBatch(x, y);
    const K = Math.max(2, this.spec.output);
    const confusion = Array.from({ length: K }, () => new Array<number>(K).fill(0));
    let lossSum = 0;
    for (let start = 0; start < x.rows; start += batchSize) {
      const end = Math.min(x.rows, start + batchSize);
      const yb = y.rowView(start, end);
      const buf = this.forward(x.rowView(start, end), undefined);
      const last = buf.a.length - 1;
      lossSum += this.loss.forward(this.loss.fused ? buf.z[last] : buf.a[last], yb) * (end - start);
      countConfusion(confusion, buf.a[last], yb, this.argmaxScratch);
    }
    return {
      loss: lossSum / x.rows,
      accuracy: accuracyOf(confusion),
      confusion,
      perClass: classMetrics(confusion),
    };
  }

  /** Output activations (n, O), in a new tensor. */
  predict(
    x: Tensor, // (n, I)
  ): Tensor {
    this.checkBatch(x);
    const out = Tensor.zeros([x.rows, this.spec.output]);
    for (let start = 0; start < x.rows; start += EVAL_BATCH) {
      const end = Math.min(x.rows, start + EVAL_BATCH);
      const buf = this.forward(x.rowView(start, end), undefined);
      copy(out.rowView(start, end), buf.a[buf.a.length - 1]);
    }
    return out;
  }

  /**
   * Forward and backward on one batch without an update: the batch's mean loss, with the
   * gradients left in each parameter's grad.
   */
  gradients(
    x: Tensor, // (B, I)
    y: Tensor, // (B, O)
  ): number {
    return this.forwardBackward(x, y, undefined, undefined);
  }

  /**
   * Forward and backward on one batch without an update: per layer, how the signal (activations)
   * and the weight gradients are distributed. Costs one training step.
   */
  layerStats(
    x: Tensor, // (B, I)
    y: Tensor, // (B, O)
  ): LayerStats[] {
    this.gradients(x, y);
    const buf = this.view as Buffers;
    const stats = this.layers.map((layer, l) => {
      const act = meanStd(buf.a[l].data);
      const grad = meanStd(layer.W.grad.data);
      const name = `${layer.name} (${this.activations[l].name})`;
      return {
        layer: l,
        name,
        act_mean: act.mean,
        act_std: act.std,
        grad_mean: grad.mean,
        grad_std: grad.std,
      };
    });
    this.optimizer.zeroGrad();
    return stats;
  }

  /** Every parameter, in layer order (W then b), in one buffer. */
  exportWeights(): { shapes: { name: string; shape: number[] }[]; data: Float32Array } {
    this.checkLive();
    const data = new Float32Array(this.params.reduce((n, p) => n + p.value.size, 0));
    let offset = 0;
    for (const p of this.params) {
      data.set(p.value.data, offset);
      offset += p.value.size;
    }
    return { shapes: this.params.map((p) => ({ name: p.name, shape: [...p.value.shape] })), data };
  }

  importWeights(weights: { shapes: { name: string; shape: number[] }[]; data: Float32Array }): void {
    this.checkLive();
    const expected = this.params.map((p) => `${p.name}${formatShape(p.value.shape)}`).join(' ');
    const got = weights.shapes.map((s) => `${s.name}${formatShape(s.shape)}`).join(' ');
    if (expected !== got) throw new Error(`importWeights: expected parameters ${expected}, got ${got}`);
    const total = this.params.reduce((n, p) => n + p.value.size, 0);
    if (weights.data.length !== total)
      throw new Error(`importWeights: expected ${total} values, got ${weights.data.length}`);
    let offset = 0;
    for (const p of this.params) {
      p.value.data.set(weights.data.subarray(offset, offset + p.value.size));
      offset += p.value.size;
    }
  }

  /** Zeroes the gradients, runs forward and backward (a step updates the weights), returns the mean loss. */
  private forwardBackward(
    x: Tensor,
    y: Tensor,
    timer: PhaseTimer | undefined,
    step: WeightStep | undefined,
  ): number {
    this.checkBatch(x, y);
    // Backward accumulates (+=) into each gradient it writes; with a step, it writes no weight's.
    for (const layer of this.layers) {
      layer.b.grad.data.fill(0);
      if (!step) layer.W.grad.data.fill(0);
    }
    timer?.lap('optimizer');
    const buf = this.forward(x, timer);
    const last = this.layers.length - 1;
    const loss = this.loss;
    const value = loss.forward(loss.fused ? buf.z[last] : buf.a[last], y);
    // Every backward pass accumulates (+=), so each gradient buffer starts the step at zero.
    for (let l = 0; l <= last; l++) {
      buf.dz[l].data.fill(0);
      buf.da[l].data.fill(0);
    }
    // A fused loss gives dz of the output layer directly; otherwise da, chained through f'.
    loss.backward(loss.fused ? buf.dz[last] : buf.da[last], buf.a[last], y);
    timer?.lap('loss');
    if (!loss.fused) {
      this.activations[last].backward(buf.dz[last], buf.da[last], buf.z[last], buf.a[last]);
      timer?.lap('activations backward');
    }
    for (let l = last; l >= 0; l--) {
      this.layers[l].backward(l > 0 ? buf.da[l - 1] : null, buf.dz[l], l > 0 ? buf.a[l - 1] : x, step);
      timer?.lap(step ? 'dense backward + weight update' : 'dense backward');
      if (l > 0) {
        this.activations[l - 1].backward(buf.dz[l - 1], buf.da[l - 1], buf.z[l - 1], buf.a[l - 1]);
        timer?.lap('activations backward');
      }
    }
    return value;
  }

  private forward(x: Tensor, timer: PhaseTimer | undefined): Buffers {
    const buf = this.buffers(x.rows);
    for (let l = 0; l < this.layers.length; l++) {
      this.layers[l].forward(buf.z[l], l > 0 ? buf.a[l - 1] : x);
      timer?.lap('dense forward');
      this.activations[l].forward(buf.a[l], buf.z[l]);
      timer?.lap('activations forward');
    }
    return buf;
  }

  /** Buffers with B rows: views of the full-size ones, reallocated only when B grows. */
  private buffers(B: number): Buffers {
    if (!this.full || B > this.full.z[0].rows) {
      const make = () => this.layers.map((layer) => Tensor.zeros([B, layer.outputs]));
      this.full = { z: make(), a: make(), dz: make(), da: make() };
      this.argmaxScratch = [new Int32Array(B), new Int32Array(B)];
    }
    if (!this.view || this.view.z[0].rows !== B) {
      const full = this.full;
      const rows = (ts: Tensor[]) => ts.map((t) => t.rowView(0, B));
      this.view = { z: rows(full.z), a: rows(full.a), dz: rows(full.dz), da: rows(full.da) };
    }
    return this.view;
  }

  /**
   * Frees the memory of the parameters, gradients and optimizer state now, for kernels that keep
   * them in their own memory (wasm; see residentZeros) rather than when they are collected; the
   * model cannot be used afterwards. A caller that builds many models (the runner, one per run)
   * calls it when done with each.
   */
  dispose(): void {
    releaseResident(...this.params.flatMap((p) => [p.value.data, p.grad.data]));
    this.optimizer.dispose();
    this.disposed = true;
  }

  private checkLive(): void {
    if (this.disposed) throw new Error('Sequential: used after dispose()');
  }

  private checkBatch(x: Tensor, y?: Tensor): void {
    this.checkLive();
    const { input, output } = this.spec;
    if (x.shape.length !== 2 || x.cols !== input || x.rows < 1) {
      throw new Error(`x must be (batch, ${input}) with batch >= 1, got ${formatShape(x.shape)}`);
    }
    if (y && (y.shape.length !== 2 || y.cols !== output || y.rows !== x.rows)) {
      throw new Error(
        `y must be (${x.rows}, ${output}) to match x ${formatShape(x.shape)}, got ${formatShape(y.shape)}`,
      );
    }
  }
}
