// Sequential: a stack of Dense layers, each followed by its activation, built from a ModelSpec.
//
// Dimension legend: see ../index.ts.
// Layer l computes z_l = o_{l-1} W_l + b_l, h_l = BN_l(z_l) (batchNorm; else h_l = z_l),
// a_l = f_l(h_l) and o_l = dropout_l(a_l) (a rate > 0, in training; else o_l = a_l), with
// o_{-1} = x. The output layer has neither batch norm nor dropout.
//
// Three modes: a training step (batch statistics, taken into batch norm's running averages;
// dropout on), a probe (gradients, layerStats: batch statistics left out of the averages, dropout
// off, so a probe changes nothing and repeats exactly), and evaluation (the running averages).
// Every buffer is allocated for the largest batch seen; smaller batches (the last partial one)
// use row views of it, cached for the current batch size, so a training step allocates nothing.
import { Tensor, copy, formatShape, releaseResident, type Rng } from '@ablate/tensor';
import { activation, type Activation } from '../activations/activation.ts';
import { initialize } from '../init/init.ts';
import { BatchNorm } from '../layers/batch-norm.ts';
import {
  customActivation,
  customLayer,
  customLoss,
  isComponentRef,
  type ComponentModules,
} from '../custom/component.ts';
import { Dense, type Param, type WeightStep } from '../layers/dense.ts';
import type { Layer } from '../layers/layer.ts';
import { Dropout } from '../layers/dropout.ts';
import { loss, type Loss } from '../losses/loss.ts';
import { createOptimizer } from '../optim/create.ts';
import type { OptimizerSpec } from '../optim/create.ts';
import type { Optimizer } from '../optim/optimizer.ts';
import {
  accuracyOf,
  classMetrics,
  countConfusion,
  countCorrect,
  deadFraction,
  l2Norm,
  meanStd,
  type ClassMetrics,
} from './metrics.ts';
import {
  checkModelSpec,
  hiddenActivation,
  hiddenDropout,
  type ModelSpec,
  type ResolvedModelSpec,
} from './spec.ts';
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
  /**
   * The size of a plain gradient step against the weights: lr ||dW_l|| / ||W_l|| (Frobenius norms,
   * the optimizer's lr in use, the batch's gradient before weight decay and clipping), whatever the
   * optimizer. With momentum or an adaptive rule the step taken differs: this says whether the
   * gradient is small against the weights at that lr (healthy layers are near 1e-3). Null for a
   * layer without weights, or with W all 0.
   */
  update_ratio: number | null;
  /**
   * The fraction of a ReLU layer's units that output 0 for every example of the batch (dead units);
   * null for any other activation.
   */
  dead_fraction: number | null;
}

export interface SequentialOptions {
  /** Draws the initial weights (layer by layer, W then b). */
  rng: Rng;
  optimizer: OptimizerSpec;
  /** Draws the dropout masks, batch after batch; required when the spec has dropout. */
  dropoutRng?: Rng;
  /** When given, trainStep charges its time to phases (dense forward, activations, ...). */
  timer?: PhaseTimer;
  /** The loaded modules of the spec's custom components ({ file }), by file. */
  modules?: ComponentModules;
}

/**
 * Per-layer activation buffers, all (B, N_l): z_l, h_l, a_l, o_l and their gradients. h_l is z_l's
 * tensor where the layer has no batch norm, o_l is a_l's where it has no dropout.
 */
interface Buffers {
  z: Tensor[];
  h: Tensor[];
  a: Tensor[];
  o: Tensor[];
  dz: Tensor[];
  dh: Tensor[];
  da: Tensor[];
  do: Tensor[];
}

type Mode = 'train' | 'probe' | 'evaluate';

const EVAL_BATCH = 256;

/** A layer's weight, whose gradient the layer statistics describe: its first decayed param. */
const weightOf = (layer: Layer): Param | undefined => layer.params.find((p) => p.decay) ?? layer.params[0];

export class Sequential {
  /** The model's config, defaults filled in. */
  readonly spec: ResolvedModelSpec;
  readonly optimizer: Optimizer;
  /** Dense, or a user's own where spec.layers names a file. */
  readonly layers: Layer[];
  readonly activations: Activation[];
  /** Per hidden layer: its batch norm and its dropout, or null. */
  readonly norms: Array<BatchNorm | null>;
  readonly dropouts: Array<Dropout | null>;
  readonly params: Param[];
  /** What exportWeights saves: the params, then batch norm's running statistics. */
  private readonly saved: Array<{ name: string; value: Tensor }>;
  readonly loss: Loss;
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
    const { modules } = options;
    this.layers = sizes.slice(1).map((n, l) => {
      const entry = spec.layers?.[l];
      return isComponentRef(entry)
        ? customLayer(entry, modules, { path: ['layers', l], name: `custom${l}` }, sizes[l], n)
        : new Dense(`dense${l}`, sizes[l], n);
    });
    const names = [...spec.hidden.map((_, l) => hiddenActivation(spec, l)), spec.outputActivation];
    this.activations = names.map((name, l) => {
      if (!isComponentRef(name)) return activation(name, spec.leakySlope);
      const path =
        l === spec.hidden.length
          ? ['outputActivation']
          : Array.isArray(spec.activation)
            ? ['activation', l]
            : ['activation'];
      return customActivation(name, modules, { path, name: `activation${l}` });
    });
    this.loss = isComponentRef(spec.loss)
      ? customLoss(spec.loss, modules, { path: ['loss'], name: 'loss' })
      : loss(spec.loss);
    // Layer by layer, each parameter in its own order (Dense: W then b): weights drawn with init,
    // the rest (biases) with biasInit.
    for (const layer of this.layers)
      for (const p of layer.params)
        initialize(p.value, p.decay ? spec.init : spec.biasInit, layer.inputs, layer.outputs, options.rng);
    this.norms = spec.hidden.map((n, l) => (spec.batchNorm ? new BatchNorm(`norm${l}`, n) : null));
    this.dropouts = spec.hidden.map((_, l) => {
      const rate = hiddenDropout(spec, l);
      if (rate === 0) return null;
      if (!options.dropoutRng) throw new Error('Sequential: a model with dropout needs options.dropoutRng');
      return new Dropout(rate, options.dropoutRng);
    });
    // Dense parameters first, in layer order, then batch norm's: without batch norm, the same list
    // (and saved weights) as before it existed.
    const norms = this.norms.filter((norm) => norm !== null);
    this.params = [...this.layers.flatMap((layer) => layer.params), ...norms.flatMap((norm) => norm.params)];
    this.saved = [...this.params, ...norms.flatMap((norm) => norm.buffers)];
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
    const value = this.forwardBackward(x, y, 'train', this.timer, this.fusedStep);
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
      const buf = this.forward(x.rowView(start, end), 'evaluate', undefined);
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
      const buf = this.forward(x.rowView(start, end), 'evaluate', undefined);
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
    return this.forwardBackward(x, y, 'probe', undefined, undefined);
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
      const a = buf.a[l];
      const act = meanStd(a.data);
      const weight = weightOf(layer);
      const grad = meanStd(weight?.grad.data ?? new Float32Array());
      const weightNorm = weight ? l2Norm(weight.value.data) : 0;
      const activation = this.activations[l].name;
      return {
        layer: l,
        name: `${layer.name} (${activation})`,
        act_mean: act.mean,
        act_std: act.std,
        grad_mean: grad.mean,
        grad_std: grad.std,
        update_ratio: weightNorm > 0 ? (this.optimizer.lr * l2Norm(weight!.grad.data)) / weightNorm : null,
        dead_fraction: activation === 'relu' ? deadFraction(a.data, a.shape[0], a.shape[1]) : null,
      };
    });
    this.optimizer.zeroGrad();
    return stats;
  }

  /**
   * Copies of what each component reads on a batch, for checking them one by one: each layer's
   * input, each activation's, the output layer's logits and activations. A probe: nothing changes.
   */
  componentInputs(
    x: Tensor, // (B, I)
  ): { layers: Tensor[]; activations: Tensor[]; logits: Tensor; output: Tensor } {
    this.checkBatch(x);
    const buf = this.forward(x, 'probe', undefined);
    const clone = (t: Tensor) => new Tensor(Float32Array.from(t.data), t.shape);
    const last = this.layers.length - 1;
    return {
      layers: this.layers.map((_, l) => clone(l > 0 ? buf.o[l - 1] : x)),
      activations: buf.h.map(clone),
      logits: clone(buf.z[last]),
      output: clone(buf.a[last]),
    };
  }

  /** Every parameter, in layer order (W then b), in one buffer. */
  exportWeights(): { shapes: { name: string; shape: number[] }[]; data: Float32Array } {
    this.checkLive();
    const data = new Float32Array(this.saved.reduce((n, p) => n + p.value.size, 0));
    let offset = 0;
    for (const p of this.saved) {
      data.set(p.value.data, offset);
      offset += p.value.size;
    }
    return { shapes: this.saved.map((p) => ({ name: p.name, shape: [...p.value.shape] })), data };
  }

  importWeights(weights: { shapes: { name: string; shape: number[] }[]; data: Float32Array }): void {
    this.checkLive();
    const expected = this.saved.map((p) => `${p.name}${formatShape(p.value.shape)}`).join(' ');
    const got = weights.shapes.map((s) => `${s.name}${formatShape(s.shape)}`).join(' ');
    if (expected !== got) throw new Error(`importWeights: expected parameters ${expected}, got ${got}`);
    const total = this.saved.reduce((n, p) => n + p.value.size, 0);
    if (weights.data.length !== total)
      throw new Error(`importWeights: expected ${total} values, got ${weights.data.length}`);
    let offset = 0;
    for (const p of this.saved) {
      p.value.data.set(weights.data.subarray(offset, offset + p.value.size));
      offset += p.value.size;
    }
  }

  /** Zeroes the gradients, runs forward and backward (a step updates the weights), returns the mean loss. */
  private forwardBackward(
    x: Tensor,
    y: Tensor,
    mode: Exclude<Mode, 'evaluate'>,
    timer: PhaseTimer | undefined,
    step: WeightStep | undefined,
  ): number {
    this.checkBatch(x, y);
    // Backward accumulates (+=) into each gradient it writes; with a step, a Dense weight's is the
    // step's to write whole, or not at all.
    for (const layer of this.layers)
      for (const p of layer.params)
        if (!(step && layer instanceof Dense && p === layer.W)) p.grad.data.fill(0);
    for (const norm of this.norms) norm?.params.forEach((p) => p.grad.data.fill(0));
    timer?.lap('optimizer');
    const buf = this.forward(x, mode, timer);
    const last = this.layers.length - 1;
    const loss = this.loss;
    const value = loss.forward(loss.fused ? buf.z[last] : buf.a[last], y);
    // Every backward pass accumulates (+=), so each gradient buffer starts the step at zero (an
    // aliased one, h for z or o for a, is zeroed twice: harmless).
    for (let l = 0; l <= last; l++)
      for (const t of [buf.dz[l], buf.dh[l], buf.da[l], buf.do[l]]) t.data.fill(0);
    // A fused loss gives dz of the output layer directly; otherwise da, chained through f'.
    loss.backward(loss.fused ? buf.dz[last] : buf.da[last], buf.a[last], y);
    timer?.lap('loss');
    if (!loss.fused) {
      this.activations[last].backward(buf.dz[last], buf.da[last], buf.z[last], buf.a[last]);
      timer?.lap('activations backward');
    }
    for (let l = last; l >= 0; l--) {
      this.layers[l].backward(l > 0 ? buf.do[l - 1] : null, buf.dz[l], l > 0 ? buf.o[l - 1] : x, step);
      // A clipping optimizer's step stores the gradients: the update comes in optimizer.step().
      timer?.lap(
        step && this.optimizer.clipGradNorm === null ? 'dense backward + weight update' : 'dense backward',
      );
      if (l === 0) continue;
      const dropout = this.dropouts[l - 1];
      if (dropout && mode === 'train') dropout.backward(buf.da[l - 1], buf.do[l - 1]);
      else if (dropout) {
        // A probe's dropout is the identity (o = a): its gradient passes as it is.
        const [da, dout] = [buf.da[l - 1].data, buf.do[l - 1].data];
        for (let i = 0; i < da.length; i++) da[i] += dout[i];
      }
      if (dropout) timer?.lap('dropout');
      this.activations[l - 1].backward(buf.dh[l - 1], buf.da[l - 1], buf.h[l - 1], buf.a[l - 1]);
      timer?.lap('activations backward');
      const norm = this.norms[l - 1];
      if (norm) {
        norm.backward(buf.dz[l - 1], buf.dh[l - 1], buf.z[l - 1]);
        timer?.lap('batch norm');
      }
    }
    return value;
  }

  private forward(x: Tensor, mode: Mode, timer: PhaseTimer | undefined): Buffers {
    const buf = this.buffers(x.rows);
    for (let l = 0; l < this.layers.length; l++) {
      this.layers[l].forward(buf.z[l], l > 0 ? buf.o[l - 1] : x);
      timer?.lap('dense forward');
      const norm = this.norms[l];
      if (norm) {
        if (mode === 'evaluate') norm.evaluate(buf.h[l], buf.z[l]);
        else norm.forward(buf.h[l], buf.z[l], mode === 'train');
        timer?.lap('batch norm');
      }
      this.activations[l].forward(buf.a[l], buf.h[l]);
      timer?.lap('activations forward');
      const dropout = this.dropouts[l];
      if (dropout) {
        if (mode === 'train') dropout.forward(buf.o[l], buf.a[l]);
        else copy(buf.o[l], buf.a[l]);
        timer?.lap('dropout');
      }
    }
    return buf;
  }

  /** Buffers with B rows: views of the full-size ones, reallocated only when B grows. */
  private buffers(B: number): Buffers {
    if (!this.full || B > this.full.z[0].rows) {
      const make = () => this.layers.map((layer) => Tensor.zeros([B, layer.outputs]));
      // h_l is z_l's tensor without batch norm, o_l is a_l's without dropout (the output layer has neither).
      const [z, a, dz, da] = [make(), make(), make(), make()];
      const unless = (has: unknown[], own: () => Tensor[], base: Tensor[]) => {
        const made = own();
        return base.map((t, l) => (has[l] ? made[l] : t));
      };
      this.full = {
        z,
        h: unless(this.norms, make, z),
        a,
        o: unless(this.dropouts, make, a),
        dz,
        dh: unless(this.norms, make, dz),
        da,
        do: unless(this.dropouts, make, da),
      };
      this.argmaxScratch = [new Int32Array(B), new Int32Array(B)];
    }
    if (!this.view || this.view.z[0].rows !== B) {
      const full = this.full;
      // One view per distinct tensor, so the aliases stay aliases.
      const views = new Map<Tensor, Tensor>();
      const rows = (ts: Tensor[]) => ts.map((t) => views.get(t) ?? views.set(t, t.rowView(0, B)).get(t)!);
      this.view = {
        z: rows(full.z),
        h: rows(full.h),
        a: rows(full.a),
        o: rows(full.o),
        dz: rows(full.dz),
        dh: rows(full.dh),
        da: rows(full.da),
        do: rows(full.do),
      };
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
