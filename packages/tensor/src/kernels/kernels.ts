// The hot kernels sit behind one interface with two implementations: the readable reference
// (./reference.ts) and the WebAssembly SIMD fast path (../wasm/wasm.ts), the default;
// ABLATE_KERNELS=reference (or setKernels('reference')) forces the reference. Hot means the three
// matmul forms, and the streaming loops of a training step that scalar JS runs slowly: the momentum
// update over every parameter, the bias gradient (column sums), ReLU forward and backward.
//
// Dimension legend: M = rows of out (of x for sumRows), N = columns of out and x, K = the summed
// (inner) dimension; n = elements of one parameter (momentum) or activation (relu).

/**
 * Signature shared by the three matmul forms: out = a b, or with accumulate out += a b; a bias,
 * when given, is added to every row of the result (a dense layer's forward pass in one call: the
 * fast path adds it as the tiles are stored).
 */
export type MatmulKernel = (
  out: Float32Array, // (M, N)
  a: Float32Array, // (M, K), (K, M) for matmulAtB
  b: Float32Array, // (K, N), (N, K) for matmulABt
  M: number,
  K: number,
  N: number,
  accumulate?: boolean,
  bias?: Float32Array, // (N)
) => void;

export interface Kernels {
  /** Which implementation this is, for logs and benchmark output. */
  readonly name: string;
  /** out = a b */
  readonly matmulAB: MatmulKernel;
  /** out = a^T b: the weight gradient dW = x^T dy */
  readonly matmulAtB: MatmulKernel;
  /** out = a b^T: the input gradient dx = dy W^T */
  readonly matmulABt: MatmulKernel;
  /**
   * The momentum update of one parameter, in place: v = mu v + c g, then w -= lr v, or with
   * nesterov w -= lr (c g + mu v).
   */
  readonly momentum: (
    w: Float32Array, // (n)
    g: Float32Array, // (n)
    v: Float32Array, // (n)
    lr: number,
    mu: number,
    c: number,
    nesterov: boolean,
  ) => void;
  /** out = column sums of x, summed row after row; with accumulate, out += them (db = sum_rows dy). */
  readonly sumRows: (
    out: Float32Array, // (N)
    x: Float32Array, // (M, N)
    M: number,
    N: number,
    accumulate?: boolean,
  ) => void;
  /** out = max(x, 0) elementwise (0 for NaN). out may be x. */
  readonly relu: (
    out: Float32Array, // (n)
    x: Float32Array, // (n)
  ) => void;
  /** dx += dout where a > 0 (a = relu(x), so a > 0 exactly where x > 0). */
  readonly reluBackward: (
    dx: Float32Array, // (n)
    dout: Float32Array, // (n)
    a: Float32Array, // (n)
  ) => void;
}
