// The hot kernels sit behind one interface with two implementations: the readable reference
// (./reference.ts) and the WebAssembly SIMD fast path (../wasm). The fast path is the default;
// ABLATE_KERNELS=reference (or setKernels('reference')) forces the reference.

/** Signature shared by the three matmul forms: out (M, N), inner dimension K. */
export type MatmulKernel = (
  out: Float32Array,
  a: Float32Array,
  b: Float32Array,
  M: number,
  K: number,
  N: number,
  accumulate?: boolean,
) => void;

export interface MatmulKernels {
  /** Which implementation this is, for logs and benchmark output. */
  readonly name: string;
  /** out (M, N) = a (M, K) b (K, N) */
  readonly matmulAB: MatmulKernel;
  /** out (M, N) = a^T b, a is (K, M), b is (K, N) */
  readonly matmulAtB: MatmulKernel;
  /** out (M, N) = a b^T, a is (M, K), b is (N, K) */
  readonly matmulABt: MatmulKernel;
}
