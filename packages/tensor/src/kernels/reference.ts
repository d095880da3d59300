// Reference kernels: plain loops, written to be read. The fast path in ../wasm must agree
// with these within the tolerance stated in test/kernels.test.ts.
//
// Dimension legend: M = rows of out (of x for sumRows), N = columns of out and x, K = the summed
// (inner) dimension; n = elements of one parameter (momentum) or activation (relu).
// Every matmul writes out (M, N), sumRows out (N); with accumulate they add to what out holds
// (backward passes accumulate gradients with +=, as in llm.c). A matmul's bias (N) is added to
// every row last.
import type { Kernels } from './kernels.ts';

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

/** v = mu v + c g;  w -= lr v, or w -= lr (c g + mu v) with nesterov. All in place but g. */
export function momentum(
  w: Float32Array, // (n) parameter
  g: Float32Array, // (n) its gradient
  v: Float32Array, // (n) its velocity
  lr: number,
  mu: number,
  c: number,
  nesterov: boolean,
): void {
  for (let i = 0; i < w.length; i++) {
    v[i] = mu * v[i] + c * g[i];
    w[i] -= lr * (nesterov ? c * g[i] + mu * v[i] : v[i]);
  }
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

export const referenceKernels: Kernels = {
  name: 'reference',
  matmulAB,
  matmulAtB,
  matmulABt,
  momentum,
  sumRows,
  relu,
  reluBackward,
};
