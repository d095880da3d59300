// Reference matmul kernels: plain loops, written to be read. The fast path in ../wasm must agree
// with these within the tolerance stated in test/kernels.test.ts.
//
// Dimension legend: M = rows of out, N = columns of out, K = the summed (inner) dimension;
// n = elements of one parameter (momentum).
// Every kernel writes out (M, N); with accumulate it adds to what out holds (backward passes
// accumulate gradients with +=, as in llm.c).
import type { Kernels } from './kernels.ts';

/** out = a b. */
export function matmulAB(
  out: Float32Array, // (M, N)
  a: Float32Array, // (M, K)
  b: Float32Array, // (K, N)
  M: number,
  K: number,
  N: number,
  accumulate = false,
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
): void {
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let sum = 0;
      for (let k = 0; k < K; k++) sum += a[i * K + k] * b[j * K + k];
      out[i * N + j] = accumulate ? out[i * N + j] + sum : sum;
    }
  }
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

export const referenceKernels: Kernels = {
  name: 'reference',
  matmulAB,
  matmulAtB,
  matmulABt,
  momentum,
};
