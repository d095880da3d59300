// Tensor-level operations. Every op writes into a caller-owned `out` so the training loop
// allocates nothing per step, checks shapes (naming both on a mismatch), and leaves the numeric
// work to a plain loop or to the active kernels (matmuls, column sums, ReLU).
import { kernels } from './kernels/backend.ts';
import { Tensor, formatShape, sizeOf, type Shape } from './tensor.ts';
import type { Rng } from './rng.ts';

function fail(op: string, what: string, ...tensors: Tensor[]): never {
  throw new Error(`${op}: ${what} (shapes ${tensors.map((t) => formatShape(t.shape)).join(' and ')})`);
}

function expect2d(op: string, ...tensors: Tensor[]): void {
  for (const t of tensors) if (t.shape.length !== 2) fail(op, 'expected 2-D tensors', ...tensors);
}

function expectSameSize(op: string, ...tensors: Tensor[]): void {
  const n = tensors[0].size;
  for (const t of tensors) if (t.size !== n) fail(op, 'sizes differ', ...tensors);
}

/**
 * A zeroed tensor for what lives as long as a model (parameters, their gradients, optimizer
 * state): in the active kernels' own memory when they have one (wasm), so that no kernel call
 * copies it; otherwise like Tensor.zeros. A view of it (rowView, subarray) must not outlive it.
 */
export function residentZeros(shape: Shape): Tensor {
  const resident = kernels().residentArray;
  return resident ? new Tensor(resident(sizeOf(shape)), shape) : Tensor.zeros(shape);
}

/**
 * Gives the memory of residentZeros' arrays back now, for their owner to call when done with them
 * (without it they are freed when collected, which may be late). Other arrays are left alone;
 * none of them may be used afterwards.
 */
export function releaseResident(...arrays: Float32Array[]): void {
  const release = kernels().releaseArray;
  if (release) for (const x of arrays) release(x);
}

/** out (M, N) = a (M, K) b (K, N); with accumulate, out += a b. */
export function matmul(out: Tensor, a: Tensor, b: Tensor, accumulate = false): Tensor {
  expect2d('matmul', out, a, b);
  const [M, K] = a.shape;
  const N = b.shape[1];
  if (b.shape[0] !== K) fail('matmul', `inner dimensions differ (${K} vs ${b.shape[0]})`, a, b);
  if (out.shape[0] !== M || out.shape[1] !== N) fail('matmul', `out must be (${M}, ${N})`, out, a, b);
  kernels().matmulAB(out.data, a.data, b.data, M, K, N, accumulate);
  return out;
}

/**
 * out (M, N) = a (M, K) b (K, N) + bias (N) broadcast over rows: a dense layer's forward pass, in
 * one kernel call (the native and wasm kernels add the bias as they store the tiles: no second pass
 * over out).
 */
export function matmulBias(out: Tensor, a: Tensor, b: Tensor, bias: Tensor): Tensor {
  expect2d('matmulBias', out, a, b);
  const [M, K] = a.shape;
  const N = b.shape[1];
  if (b.shape[0] !== K) fail('matmulBias', `inner dimensions differ (${K} vs ${b.shape[0]})`, a, b);
  if (out.shape[0] !== M || out.shape[1] !== N) fail('matmulBias', `out must be (${M}, ${N})`, out, a, b);
  if (bias.size !== N) fail('matmulBias', `bias must have ${N} elements`, out, bias);
  kernels().matmulAB(out.data, a.data, b.data, M, K, N, false, bias.data);
  return out;
}

/** out (M, N) = a^T b with a (K, M), b (K, N); with accumulate, out += a^T b. */
export function matmulAtB(out: Tensor, a: Tensor, b: Tensor, accumulate = false): Tensor {
  expect2d('matmulAtB', out, a, b);
  const [K, M] = a.shape;
  const N = b.shape[1];
  if (b.shape[0] !== K) fail('matmulAtB', `row counts differ (${K} vs ${b.shape[0]})`, a, b);
  if (out.shape[0] !== M || out.shape[1] !== N) fail('matmulAtB', `out must be (${M}, ${N})`, out, a, b);
  kernels().matmulAtB(out.data, a.data, b.data, M, K, N, accumulate);
  return out;
}

/** out (M, N) = a b^T with a (M, K), b (N, K); with accumulate, out += a b^T. */
export function matmulABt(out: Tensor, a: Tensor, b: Tensor, accumulate = false): Tensor {
  expect2d('matmulABt', out, a, b);
  const [M, K] = a.shape;
  const N = b.shape[0];
  if (b.shape[1] !== K) fail('matmulABt', `column counts differ (${K} vs ${b.shape[1]})`, a, b);
  if (out.shape[0] !== M || out.shape[1] !== N) fail('matmulABt', `out must be (${M}, ${N})`, out, a, b);
  kernels().matmulABt(out.data, a.data, b.data, M, K, N, accumulate);
  return out;
}

/** out (N) = column sums of x (M, N); with accumulate, out += the sums (the bias gradient). */
export function sumRows(out: Tensor, x: Tensor, accumulate = false): Tensor {
  expect2d('sumRows', x);
  const [M, N] = x.shape;
  if (out.size !== N) fail('sumRows', `out must have ${N} elements`, out, x);
  kernels().sumRows(out.data, x.data, M, N, accumulate);
  return out;
}

/** out = max(x, 0) elementwise (0 for NaN). out may be x. */
export function relu(out: Tensor, x: Tensor): Tensor {
  expectSameSize('relu', out, x);
  kernels().relu(out.data, x.data);
  return out;
}

/** dx += dout where a > 0: ReLU's backward pass, read from its output a (a > 0 just where x > 0). */
export function reluBackward(dx: Tensor, dout: Tensor, a: Tensor): Tensor {
  expectSameSize('reluBackward', dx, dout, a);
  kernels().reluBackward(dx.data, dout.data, a.data);
  return dx;
}

/**
 * mask = a drawn inverted-dropout mask, one draw of rng per unit in order: 0 (dropped) where the draw
 * is below p 2^32, so with probability p to within 2^-32, and 1 / (1 - p) where it is not.
 */
export function dropoutMask(mask: Tensor, rate: number, rng: Rng): Tensor {
  const kept = 1 / (1 - rate);
  rng.drawWith((state) => kernels().dropoutMask(mask.data, state, rate * 2 ** 32, kept));
  return mask;
}

/** out = x mask: inverted dropout, the mask 0 or 1 / (1 - p) per unit (see kernels/regularize.ts). out may be x. */
export function dropout(out: Tensor, x: Tensor, mask: Tensor): Tensor {
  expectSameSize('dropout', out, x, mask);
  kernels().dropout(out.data, x.data, mask.data);
  return out;
}

/** dx += dout mask: dropout's backward pass. */
export function dropoutBackward(dx: Tensor, dout: Tensor, mask: Tensor): Tensor {
  expectSameSize('dropoutBackward', dx, dout, mask);
  kernels().dropoutBackward(dx.data, dout.data, mask.data);
  return dx;
}

/** Checks a batch-norm call's shapes: x and the others (B, N), each statistic or parameter (N). */
function batchNormShapes(op: string, x: Tensor, batches: Tensor[], columns: Tensor[]): [number, number] {
  expect2d(op, x, ...batches);
  const [B, N] = x.shape;
  for (const t of batches) if (t.rows !== B || t.cols !== N) fail(op, 'batch shapes differ', x, t);
  for (const t of columns) if (t.size !== N) fail(op, `expected ${N} values per column statistic`, x, t);
  return [B, N];
}

/** Batch norm with the batch's statistics: writes mean and rstd = 1 / sqrt(var + eps) per column. */
export function batchNorm(
  out: Tensor,
  mean: Tensor,
  rstd: Tensor,
  x: Tensor,
  gamma: Tensor,
  beta: Tensor,
  eps: number,
): Tensor {
  const [B, N] = batchNormShapes('batchNorm', x, [out], [mean, rstd, gamma, beta]);
  kernels().batchNorm(out.data, mean.data, rstd.data, x.data, gamma.data, beta.data, B, N, eps);
  return out;
}

/** out = gamma (x - mean) rstd + beta per column, with given statistics. out may be x. */
export function batchNormApply(
  out: Tensor,
  x: Tensor,
  mean: Tensor,
  rstd: Tensor,
  gamma: Tensor,
  beta: Tensor,
): Tensor {
  const [B, N] = batchNormShapes('batchNormApply', x, [out], [mean, rstd, gamma, beta]);
  kernels().batchNormApply(out.data, x.data, mean.data, rstd.data, gamma.data, beta.data, B, N);
  return out;
}

/** dx, dgamma, dbeta += batchNorm's gradients, from its input x and the statistics it wrote. */
export function batchNormBackward(
  dx: Tensor,
  dgamma: Tensor,
  dbeta: Tensor,
  dout: Tensor,
  x: Tensor,
  mean: Tensor,
  rstd: Tensor,
  gamma: Tensor,
): Tensor {
  const [B, N] = batchNormShapes('batchNormBackward', x, [dx, dout], [dgamma, dbeta, mean, rstd, gamma]);
  kernels().batchNormBackward(
    dx.data,
    dgamma.data,
    dbeta.data,
    dout.data,
    x.data,
    mean.data,
    rstd.data,
    gamma.data,
    B,
    N,
  );
  return dx;
}

/** out = x (copy). */
export function copy(out: Tensor, x: Tensor): Tensor {
  expectSameSize('copy', out, x);
  out.data.set(x.data);
  return out;
}

/** Index of the largest value in each row of x (M, N); ties go to the first. */
export function argmaxRows(out: Int32Array, x: Tensor): Int32Array {
  expect2d('argmaxRows', x);
  const [M, N] = x.shape;
  if (out.length < M) throw new Error(`argmaxRows: out has ${out.length} slots for ${M} rows`);
  const xd = x.data;
  for (let i = 0; i < M; i++) {
    let best = 0;
    let bestValue = xd[i * N];
    for (let j = 1; j < N; j++) {
      const v = xd[i * N + j];
      if (v > bestValue) {
        bestValue = v;
        best = j;
      }
    }
    out[i] = best;
  }
  return out;
}
