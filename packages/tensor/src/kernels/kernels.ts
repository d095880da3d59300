// The hot kernels (the matmul forms, and the momentum update: the optimizer's streaming loop over
// every parameter) sit behind one interface with two implementations: the readable reference
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

/**
 * The momentum update of one parameter, in place: v = mu v + c g, then w -= lr v, or with
 * nesterov w -= lr (c g + mu v). w, g, v all have the parameter's n elements.
 */
export type MomentumKernel = (
  w: Float32Array,
  g: Float32Array,
  v: Float32Array,
  lr: number,
  mu: number,
  c: number,
  nesterov: boolean,
) => void;

export interface Kernels {
  /** Which implementation this is, for logs and benchmark output. */
  readonly name: string;
  /** out (M, N) = a (M, K) b (K, N) */
  readonly matmulAB: MatmulKernel;
  /** out (M, N) = a^T b, a is (K, M), b is (K, N) */
  readonly matmulAtB: MatmulKernel;
  /** out (M, N) = a b^T, a is (M, K), b is (N, K) */
  readonly matmulABt: MatmulKernel;
  /** The optimizer's momentum step, in place. */
  readonly momentum: MomentumKernel;
}
