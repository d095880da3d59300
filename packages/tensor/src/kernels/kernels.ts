// The hot kernels (the matmul forms, and the streaming loops of training: the momentum update
// over every parameter, the bias gradient, ReLU forward and backward) sit behind one interface with two implementations: the
// readable reference (./reference.ts) and the WebAssembly SIMD fast path (../wasm). The fast path
// is the default; ABLATE_KERNELS=reference (or setKernels('reference')) forces the reference.

/**
 * Signature shared by the three matmul forms: out (M, N), inner dimension K. out = a b, or with
 * accumulate out += a b; a bias (N), when given, is added to every row of the result (a dense
 * layer's forward pass in one call: the fast path adds it as the tiles are stored).
 */
export type MatmulKernel = (
  out: Float32Array,
  a: Float32Array,
  b: Float32Array,
  M: number,
  K: number,
  N: number,
  accumulate?: boolean,
  bias?: Float32Array,
) => void;

/** out (N) = column sums of x (M, N), summed row after row; with accumulate, out += them. */
export type SumRowsKernel = (
  out: Float32Array,
  x: Float32Array,
  M: number,
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

/** out = max(x, 0) elementwise (0 for NaN), n = x.length. out may be x. */
export type ReluKernel = (out: Float32Array, x: Float32Array) => void;

/** dx += dout where a > 0 (a = relu(x), so a > 0 exactly where x > 0); n = dx.length. */
export type ReluBackwardKernel = (dx: Float32Array, dout: Float32Array, a: Float32Array) => void;

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
  /** Column sums: the bias gradient db = sum_rows dy. */
  readonly sumRows: SumRowsKernel;
  /** ReLU forward, and its backward pass read from the activation. */
  readonly relu: ReluKernel;
  readonly reluBackward: ReluBackwardKernel;
}
