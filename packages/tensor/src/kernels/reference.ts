// Reference kernels: plain loops, written to be read. The optimized kernels (../native, ../wasm)
// must agree with these within the tolerances stated in test/kernels.test.ts.
//
// Dimension legend: see ../../native/kernels.h.
// Every matmul writes out (M, N), sumRows out (N); with accumulate they add to what out holds
// (backward passes accumulate gradients with +=, as in llm.c). A matmul's bias (N) is added to
// every row last.
import { matmulAtBThenMomentum, type Kernels } from './kernels.ts';
import {
  batchNorm,
  batchNormApply,
  batchNormBackward,
  dropout,
  dropoutBackward,
  dropoutMask,
} from './regularize.ts';

/** out (M, N) += bias (N) on every row. */
function addToRows(out: Float32Array, bias: Float32Array, M: number, N: number): void {
  for (let i = 0; i < M; i++) {
    const row = i * N;
    for (let j = 0; j < N; j++) out[row + j] += bias[j];
  }
}

/** out = a b. */
export function matmulAB(
  out: Float32Array, // (M, N)
  a: Float32Array, // (M, K)
  b: Float32Array, // (K, N)
  M: number,
  K: number,
  N: number,
  accumulate = false,
  bias?: Float32Array, // (N)
): void {
  if (!accumulate) out.fill(0, 0, M * N);
  for (let i = 0; i < M; i++) {
    const outRow = i * N;
    for (let k = 0; k < K; k++) {
      const aik = a[i * K + k];
      const bRow = k * N;
      for (let j = 0; j < N; j++) out[outRow + j] += aik * b[bRow + j];
    }
  }
  if (bias) addToRows(out, bias, M, N);
}

/** out = a^T b: the weight gradient dW = x^T dy. */
export function matmulAtB(
  out: Float32Array, // (M, N)
  a: Float32Array, // (K, M)
  b: Float32Array, // (K, N)
  M: number,
  K: number,
  N: number,
  accumulate = false,
  bias?: Float32Array, // (N)
): void {
  if (!accumulate) out.fill(0, 0, M * N);
  for (let k = 0; k < K; k++) {
    const aRow = k * M;
    const bRow = k * N;
    for (let i = 0; i < M; i++) {
      const aki = a[aRow + i];
      const outRow = i * N;
      for (let j = 0; j < N; j++) out[outRow + j] += aki * b[bRow + j];
    }
  }
  if (bias) addToRows(out, bias, M, N);
}

/** out = a b^T: the input gradient dx = dy W^T. */
export function matmulABt(
  out: Float32Array, // (M, N)
  a: Float32Array, // (M, K)
  b: Float32Array, // (N, K)
  M: number,
  K: number,
  N: number,
  accumulate = false,
  bias?: Float32Array, // (N)
): void {
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let sum = 0;
      for (let k = 0; k < K; k++) sum += a[i * K + k] * b[j * K + k];
      out[i * N + j] = accumulate ? out[i * N + j] + sum : sum;
    }
  }
  if (bias) addToRows(out, bias, M, N);
}

/**
 * v = mu v + c g';  w -= lr v, or w -= lr (c g' + mu v) with nesterov, where g' = scale g rounded to
 * float32 (a clipped gradient; scale 1 leaves g as it is). All in place but g.
 */
export function momentum(
  w: Float32Array, // (n) parameter
  g: Float32Array, // (n) its gradient
  v: Float32Array, // (n) its velocity
  lr: number,
  mu: number,
  c: number,
  nesterov: boolean,
  scale: number,
): void {
  for (let i = 0; i < w.length; i++) {
    const gi = Math.fround(scale * g[i]);
    v[i] = mu * v[i] + c * gi;
    w[i] -= lr * (nesterov ? c * gi + mu * v[i] : v[i]);
  }
}

/** out = a^T b; returns the sum of its squares, in float64, row after row. */
export function matmulAtBSumSquares(
  out: Float32Array, // (M, N)
  a: Float32Array, // (K, M)
  b: Float32Array, // (K, N)
  M: number,
  K: number,
  N: number,
): number {
  matmulAtB(out, a, b, M, K, N);
  return sumSquares(out.subarray(0, M * N));
}

/** The sum of the squares of x, in float64, in order (a sum of 10^5 float32 squares would lose the small ones). */
export function sumSquares(
  x: Float32Array, // (n)
): number {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += x[i] * x[i];
  return sum;
}

/** out = column sums of x, each summed row after row; with accumulate, out += them. */
export function sumRows(
  out: Float32Array, // (N) e.g. the bias gradient db
  x: Float32Array, // (M, N) e.g. the output gradient dy
  M: number,
  N: number,
  accumulate = false,
): void {
  if (!accumulate) out.fill(0, 0, N);
  for (let i = 0; i < M; i++) {
    const row = i * N;
    for (let j = 0; j < N; j++) out[j] += x[row + j];
  }
}

/** out = x > 0 ? x : 0 (so NaN gives 0). out may be x. */
export function relu(
  out: Float32Array, // (n)
  x: Float32Array, // (n)
): void {
  for (let i = 0; i < x.length; i++) out[i] = x[i] > 0 ? x[i] : 0;
}

/** dx += dout where the activation a > 0, the derivative 0 elsewhere (at the kink too). */
export function reluBackward(
  dx: Float32Array, // (n)
  dout: Float32Array, // (n)
  a: Float32Array, // (n) relu's output
): void {
  for (let i = 0; i < dx.length; i++) if (a[i] > 0) dx[i] += dout[i];
}

/** Logistic function, split at 0 so exp never overflows: for x < 0, e^x / (1 + e^x). */
function sigmoidOf(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

export function sigmoid(
  out: Float32Array, // (n)
  x: Float32Array, // (n)
): void {
  for (let i = 0; i < x.length; i++) out[i] = sigmoidOf(x[i]);
}

/** sigmoid' = s (1 - s), read from the output. */
export function sigmoidBackward(
  dx: Float32Array, // (n)
  dout: Float32Array, // (n)
  out: Float32Array, // (n) sigmoid's output s
): void {
  for (let i = 0; i < dx.length; i++) dx[i] += dout[i] * out[i] * (1 - out[i]);
}

export function tanh(
  out: Float32Array, // (n)
  x: Float32Array, // (n)
): void {
  for (let i = 0; i < x.length; i++) out[i] = Math.tanh(x[i]);
}

/** tanh' = 1 - t^2, read from the output. */
export function tanhBackward(
  dx: Float32Array, // (n)
  dout: Float32Array, // (n)
  out: Float32Array, // (n) tanh's output t
): void {
  for (let i = 0; i < dx.length; i++) dx[i] += dout[i] * (1 - out[i] * out[i]);
}

/** Softmax of each row, the row maximum subtracted first (softmax(x) = softmax(x - c)). */
export function softmax(
  out: Float32Array, // (B, N)
  x: Float32Array, // (B, N)
  B: number,
  N: number,
): void {
  for (let b = 0; b < B; b++) {
    const row = b * N;
    let max = -Infinity;
    for (let j = 0; j < N; j++) if (x[row + j] > max) max = x[row + j];
    let sum = 0;
    for (let j = 0; j < N; j++) {
      const e = Math.exp(x[row + j] - max);
      out[row + j] = e;
      sum += e;
    }
    for (let j = 0; j < N; j++) out[row + j] /= sum;
  }
}

/** The Jacobian is diag(s) - s s^T, so J^T g = s * (g - <g, s>): no N x N matrix needed. */
export function softmaxBackward(
  dx: Float32Array, // (B, N)
  dout: Float32Array, // (B, N)
  out: Float32Array, // (B, N) softmax's output s
  B: number,
  N: number,
): void {
  for (let b = 0; b < B; b++) {
    const row = b * N;
    let dot = 0;
    for (let j = 0; j < N; j++) dot += dout[row + j] * out[row + j];
    for (let j = 0; j < N; j++) dx[row + j] += out[row + j] * (dout[row + j] - dot);
  }
}

/**
 * sum_b sum_j y_bj (lse(z_b) - z_bj), with lse(z) = m + log sum_j e^(z_j - m), m = max_j z_j
 * (log-sum-exp: no overflow, no log(0)).
 */
export function crossEntropy(
  z: Float32Array, // (B, N) logits
  y: Float32Array, // (B, N) targets
  B: number,
  N: number,
): number {
  let sum = 0;
  for (let b = 0; b < B; b++) {
    const row = b * N;
    let m = -Infinity;
    for (let j = 0; j < N; j++) if (z[row + j] > m) m = z[row + j];
    let s = 0;
    for (let j = 0; j < N; j++) s += Math.exp(z[row + j] - m);
    const lse = m + Math.log(s);
    for (let j = 0; j < N; j++) if (y[row + j] !== 0) sum += y[row + j] * (lse - z[row + j]);
  }
  return sum;
}

/** sum of max(z, 0) - z y + log(1 + e^-|z|): BCE on the logits, no log(0), no overflow. */
export function bce(
  z: Float32Array, // (n) logits
  y: Float32Array, // (n) targets
): number {
  let sum = 0;
  for (let i = 0; i < z.length; i++)
    sum += Math.max(z[i], 0) - z[i] * y[i] + Math.log1p(Math.exp(-Math.abs(z[i])));
  return sum;
}

/** dz += scale (a - y). */
export function fusedLossBackward(
  dz: Float32Array, // (n)
  a: Float32Array, // (n)
  y: Float32Array, // (n)
  scale: number,
): void {
  for (let i = 0; i < dz.length; i++) dz[i] += scale * (a[i] - y[i]);
}

/** s = keep s + add g'^2;  w -= lr g' / (sqrt(s) + eps), g' as in momentum. All in place but g. */
export function adagrad(
  w: Float32Array, // (n) parameter
  g: Float32Array, // (n) its gradient
  s: Float32Array, // (n) its squared-gradient sum or average
  lr: number,
  eps: number,
  keep: number,
  add: number,
  scale: number,
): void {
  for (let i = 0; i < w.length; i++) {
    const gi = Math.fround(scale * g[i]);
    const si = keep * s[i] + add * gi * gi;
    s[i] = si;
    w[i] -= (lr * gi) / (Math.sqrt(si) + eps);
  }
}

/** m = b1 m + (1 - b1) g';  v = b2 v + (1 - b2) g'^2;  w -= lr (m / c1) / (sqrt(v / c2) + eps), g' as in momentum. */
export function adam(
  w: Float32Array, // (n) parameter
  g: Float32Array, // (n) its gradient
  m: Float32Array, // (n) first moment
  v: Float32Array, // (n) second moment
  lr: number,
  beta1: number,
  beta2: number,
  eps: number,
  c1: number,
  c2: number,
  scale: number,
): void {
  for (let i = 0; i < w.length; i++) {
    const gi = Math.fround(scale * g[i]);
    m[i] = beta1 * m[i] + (1 - beta1) * gi;
    v[i] = beta2 * v[i] + (1 - beta2) * gi * gi;
    w[i] -= (lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + eps);
  }
}

export const referenceKernels: Kernels = {
  name: 'reference',
  matmulAB,
  matmulAtB,
  matmulABt,
  momentum,
  matmulAtBMomentum: matmulAtBThenMomentum({ matmulAtB, momentum }),
  matmulAtBSumSquares,
  sumRows,
  relu,
  reluBackward,
  sigmoid,
  sigmoidBackward,
  tanh,
  tanhBackward,
  softmax,
  softmaxBackward,
  crossEntropy,
  bce,
  fusedLossBackward,
  dropoutMask,
  dropout,
  dropoutBackward,
  batchNorm,
  batchNormApply,
  batchNormBackward,
  adagrad,
  adam,
};
