// Central-difference gradient checks of any component's backward against its own forward: a weight
// layer (every parameter and the input gradient), an activation (the input gradient) and a loss
// (the gradient of its input). The same check for built-in and user components; a model checks all
// of its own on a batch (checkModel).
//
// Precision. Tensors are float32, so the check is too, with a step and a tolerance for it: a layer
// or activation is checked through the scalar L = sum(r * y), r uniform in [-1, 1] drawn once and
// L summed in float64, so dL/dy = r and perturbing one entry changes L only through the outputs it
// reaches (the others are recomputed bit for bit and cancel exactly). With step h = 1e-2 an
// output's float32 rounding (unit roundoff 6e-8) moves a difference quotient by about
// 6e-8 |y| / 2h = 3e-6 |y|, and the truncation error is O(h^2) = 1e-4 of the curvature (a smaller
// step trades truncation for rounding: at 1e-3 softmax's input gradient was off by 1.2e-2). Every
// built-in component, on every kernel set, stays below 2e-3 (test/custom-check.test.ts; 1.1e-3 at
// most when it was written) against a tolerance of 1e-2, while a wrong backward (a missing term, a wrong sum, a transposed
// index) is off by O(1). Relative errors are |analytic - numeric| / max(|analytic|, |numeric|,
// 1e-2 * the tensor's largest |numeric|), so an entry whose gradient is tiny against its tensor's
// is judged by the tensor's scale rather than by float32 noise. Entries where the one-sided
// differences disagree beyond the tolerance have a kink within the step (ReLU near 0): the
// derivative is not defined there, and they are counted, not judged.
import { Rng, Tensor, formatShape } from '@ablate/tensor';
import type { Activation } from '../activations/activation.ts';
import type { Layer } from '../layers/layer.ts';
import type { Loss } from '../losses/loss.ts';
import { ComponentFault } from './component.ts';

/** The check's constants (see the header for why these values). */
export const GRADIENT_CHECK = {
  /** Central-difference step h, on the float32 value. */
  step: 1e-2,
  /** Largest relative error that passes. */
  tolerance: 1e-2,
  /** Relative errors are taken against at least this fraction of the tensor's largest gradient. */
  floor: 1e-2,
  /** Entries compared per tensor (all of a smaller one), drawn from a fixed stream. */
  samples: 64,
} as const;

/** One tensor's check. */
export interface GradientCheckRow {
  /** "custom1", "dense0", "activation0", "relu", "loss": as the model names the component. */
  component: string;
  /** A parameter ("W"), or the component's input gradient ("dx"). */
  tensor: string;
  maxRelError: number;
  /** Where the largest relative error is ([row, column] of the tensor, or [index]). */
  at: number[];
  analytic: number;
  numeric: number;
  /** Entries compared; entries skipped at a kink. */
  checked: number;
  kinks: number;
  passed: boolean;
}

const dot = (r: Float32Array, y: Float32Array) => {
  let sum = 0;
  for (let i = 0; i < y.length; i++) sum += r[i] * y[i];
  return sum;
};

const clone = (t: Tensor) => new Tensor(Float32Array.from(t.data), t.shape);

function randomLike(shape: readonly number[], rng: Rng): Tensor {
  const t = Tensor.zeros(shape);
  for (let i = 0; i < t.size; i++) t.data[i] = rng.uniformIn(-1, 1);
  return t;
}

function finiteOrFault(component: string, what: string, t: Tensor): void {
  const i = t.data.findIndex((v) => !Number.isFinite(v));
  if (i >= 0) throw new ComponentFault(component, `${what} has ${t.data[i]} at index ${i}`);
}

/** Runs a component's call, naming the component when it throws. */
function guarded<T>(component: string, what: string, call: () => T): T {
  try {
    return call();
  } catch (error) {
    if (error instanceof ComponentFault) throw error;
    throw new ComponentFault(component, `${what} threw: ${(error as Error).message}`);
  }
}

/** The entries to compare: all of a small tensor, else `samples` distinct ones from rng. */
function sampleEntries(size: number, rng: Rng): number[] {
  if (size <= GRADIENT_CHECK.samples) return Array.from({ length: size }, (_, i) => i);
  const chosen = new Set<number>();
  while (chosen.size < GRADIENT_CHECK.samples) chosen.add(rng.int(size));
  return [...chosen].sort((a, b) => a - b);
}

/** Compares analytic with central differences of objective in `target`'s sampled entries. */
function compare(
  component: string,
  tensor: string,
  target: Tensor,
  analytic: Float32Array,
  objective: () => number,
  rng: Rng,
): GradientCheckRow {
  const { step, tolerance, floor } = GRADIENT_CHECK;
  const base = objective();
  const entries = sampleEntries(target.size, rng).map((i) => {
    const v = target.data[i];
    const up = Math.fround(v + step);
    const down = Math.fround(v - step);
    target.data[i] = up;
    const plus = objective();
    target.data[i] = down;
    const minus = objective();
    target.data[i] = v;
    return {
      i,
      numeric: (plus - minus) / (up - down),
      forward: (plus - base) / (up - v),
      backward: (base - minus) / (v - down),
    };
  });
  const scale = floor * Math.max(0, ...entries.map((e) => Math.abs(e.numeric)));
  const relative = (a: number, b: number) =>
    Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), scale, 1e-30);
  let worst = { rel: 0, i: entries[0]?.i ?? 0, numeric: entries[0]?.numeric ?? 0 };
  let kinks = 0;
  for (const e of entries) {
    if (relative(e.forward, e.backward) > tolerance) {
      kinks++;
      continue;
    }
    const rel = relative(analytic[e.i], e.numeric);
    // NaN (an analytic gradient that is not finite) is the worst error there is.
    if (!(rel <= worst.rel)) worst = { rel: Number.isNaN(rel) ? Infinity : rel, i: e.i, numeric: e.numeric };
  }
  const cols = target.shape.length === 2 ? target.shape[1] : 0;
  return {
    component,
    tensor,
    maxRelError: worst.rel,
    at: cols > 0 ? [Math.floor(worst.i / cols), worst.i % cols] : [worst.i],
    analytic: analytic[worst.i],
    numeric: worst.numeric,
    checked: entries.length - kinks,
    kinks,
    passed: worst.rel <= tolerance,
  };
}

/** Checks a weight layer's gradients of every parameter and of its input, at input x. */
export function checkLayer(layer: Layer, x: Tensor, rng: Rng): GradientCheckRow[] {
  const name = layer.name;
  const input = clone(x);
  const y = Tensor.zeros([x.rows, layer.outputs]);
  const r = randomLike(y.shape, rng);
  for (const p of layer.params) finiteOrFault(name, `parameter ${p.name}`, p.value);
  // The buffer is reused, as a model reuses its own: a forward that adds to y instead of writing fails.
  const objective = () => {
    guarded(name, 'forward', () => layer.forward(y, input));
    return dot(r.data, y.data);
  };
  objective();
  finiteOrFault(name, `forward's output ${formatShape(y.shape)}`, y);
  for (const p of layer.params) p.grad.data.fill(0);
  const dx = Tensor.zeros(input.shape);
  guarded(name, 'backward', () => layer.backward(dx, r, input));
  const analytic = layer.params.map((p) => Float32Array.from(p.grad.data));
  for (const p of layer.params) p.grad.data.fill(0);
  const own = (p: { name: string }) => p.name.slice(name.length + 1);
  return [
    ...layer.params.map((p, k) => compare(name, own(p), p.value, analytic[k], objective, rng)),
    compare(name, 'dx', input, dx.data, objective, rng),
  ];
}

/** Checks an activation's input gradient, at input x. */
export function checkActivation(name: string, act: Activation, x: Tensor, rng: Rng): GradientCheckRow[] {
  const input = clone(x);
  const out = Tensor.zeros(x.shape);
  const r = randomLike(out.shape, rng);
  const objective = () => {
    guarded(name, 'forward', () => act.forward(out, input));
    return dot(r.data, out.data);
  };
  objective();
  finiteOrFault(name, `forward's output ${formatShape(out.shape)}`, out);
  const dx = Tensor.zeros(x.shape);
  guarded(name, 'backward', () => act.backward(dx, r, input, out));
  return [compare(name, 'dx', input, dx.data, objective, rng)];
}

/**
 * Checks a loss's gradient with respect to its input p (logits when fused, else the output
 * activations), where a are the output activations of p and y the targets.
 */
export function checkLoss(
  name: string,
  loss: Loss,
  p: Tensor,
  a: Tensor,
  y: Tensor,
  rng: Rng,
): GradientCheckRow[] {
  const input = clone(p);
  const objective = () => guarded(name, 'forward', () => loss.forward(input, y));
  const value = objective();
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new ComponentFault(
      name,
      `forward returned ${String(value)}, expected a finite number (the batch's mean loss)`,
    );
  const dp = Tensor.zeros(p.shape);
  guarded(name, 'backward', () => loss.backward(dp, loss.fused ? a : input, y));
  return [compare(name, loss.fused ? 'dz' : 'da', input, dp.data, objective, rng)];
}
