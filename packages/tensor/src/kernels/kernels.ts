// The hot kernels sit behind one interface with three implementations: the native addon
// (../native/native.ts, C compiled at npm install; the default when it loads), the WebAssembly
// SIMD path (../wasm/wasm.ts) and the readable reference (./reference.ts); ABLATE_KERNELS=
// native|wasm|reference (or setKernels) forces one (see backend.ts). Hot means the three matmul
// forms, and the streaming loops of a training step that scalar JS runs slowly: the optimizer
// updates over every parameter (the momentum one also fused with its gradient's matmul), the bias
// gradient (column sums), the activations forward and backward, softmax and the classification
// losses, dropout and batch norm forward and backward, and (native only) gathering a shuffled batch.
//
// Dimension legend: see ../../native/kernels.h (one for the package, its C and TypeScript kernels).

/**
 * Signature shared by the three matmul forms: out = a b, or with accumulate out += a b; a bias,
 * when given, is added to every row of the result (a dense layer's forward pass in one call: the
 * native and wasm sets add it as they store the tiles).
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
   * The momentum update of one parameter, in place: v = mu v + c g', then w -= lr v, or with
   * nesterov w -= lr (c g' + mu v), where g' = scale g rounded to float32 (scale a float32 value):
   * a clipped gradient without a pass of its own (scale 1 is g exactly). The other rules take
   * their scale alike.
   */
  readonly momentum: (
    w: Float32Array, // (n)
    g: Float32Array, // (n)
    v: Float32Array, // (n)
    lr: number,
    mu: number,
    c: number,
    nesterov: boolean,
    scale: number,
  ) => void;
  /**
   * A momentum step from a weight gradient that is never stored: momentum(w, g, v, ...) with
   * g = a^T b. The native set's micro-kernels apply each tile of g from their registers, so a
   * step's memory traffic is w and v alone (the gradient, as large, would be written, zeroed and
   * read back).
   */
  readonly matmulAtBMomentum: (
    a: Float32Array, // (K, M) e.g. the layer's input x
    b: Float32Array, // (K, N) e.g. the output gradient dy
    M: number,
    K: number,
    N: number,
    w: Float32Array, // (M, N) the parameter
    v: Float32Array, // (M, N) its velocity
    lr: number,
    mu: number,
    c: number,
    nesterov: boolean,
  ) => void;
  /**
   * out = a^T b, the weight gradient, and returns the sum of its squares (in float64 at the end):
   * the gradient's share of a clipping norm, which the native set's micro-kernels take from their
   * registers as they store each tile, so the norm costs no pass over the gradient. Each set sums
   * in an order of its own, fixed: the same inputs give the same bits.
   */
  readonly matmulAtBSumSquares: (
    out: Float32Array, // (M, N)
    a: Float32Array, // (K, M) e.g. the layer's input x
    b: Float32Array, // (K, N) e.g. the output gradient dy
    M: number,
    K: number,
    N: number,
  ) => number;
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
  /** out = 1 / (1 + e^-x) elementwise. out may be x. */
  readonly sigmoid: UnaryKernel;
  /** dx += dout out (1 - out), from the forward output. */
  readonly sigmoidBackward: BackwardKernel;
  /** out = tanh(x) elementwise. out may be x. */
  readonly tanh: UnaryKernel;
  /** dx += dout (1 - out^2), from the forward output. */
  readonly tanhBackward: BackwardKernel;
  /** out = softmax of each row of x, the row maximum subtracted first. */
  readonly softmax: (
    out: Float32Array, // (B, N)
    x: Float32Array, // (B, N)
    B: number,
    N: number,
  ) => void;
  /** dx += s * (dout - <dout, s>) row by row, s = softmax's output: J^T dout without the J. */
  readonly softmaxBackward: (
    dx: Float32Array, // (B, N)
    dout: Float32Array, // (B, N)
    out: Float32Array, // (B, N) softmax's output s
    B: number,
    N: number,
  ) => void;
  /** The cross-entropy of softmax(z) against y, summed over the rows (not averaged). */
  readonly crossEntropy: (
    z: Float32Array, // (B, N) logits
    y: Float32Array, // (B, N) targets
    B: number,
    N: number,
  ) => number;
  /** The binary cross-entropy of sigmoid(z) against y, summed over the elements (not averaged). */
  readonly bce: (
    z: Float32Array, // (n) logits
    y: Float32Array, // (n) targets
  ) => number;
  /** dz += scale (a - y): the gradient of sigmoid + BCE and of softmax + CE on the logits. */
  readonly fusedLossBackward: (
    dz: Float32Array, // (n)
    a: Float32Array, // (n) output activations
    y: Float32Array, // (n) targets
    scale: number,
  ) => void;
  /**
   * dst row i = src row order[start + i]: a shuffled mini-batch gathered from its training set,
   * the rows ahead prefetched (each is a wait on memory). Native only: @ablate/data's Batcher takes
   * it as its gather and has its own in JavaScript (the data package stands alone).
   */
  readonly gatherRows?: (
    dst: Float32Array, // (size, width)
    src: Float32Array, // (rows, width)
    order: Int32Array, // (>= start + size) row indices into src
    start: number,
    size: number,
    width: number,
  ) => void;
  /**
   * n zeroed floats this set reads and writes where they are, for arrays that live as long as a
   * model (parameters, gradients, optimizer state; see residentZeros). Wasm only: its kernels
   * otherwise copy every operand into wasm memory and back, while the native and reference sets
   * use any Float32Array in place.
   */
  readonly residentArray?: (n: number) => Float32Array;
  /** Frees an array from residentArray now (not at garbage collection); ignores any other. */
  readonly releaseArray?: (
    x: Float32Array, // (n)
  ) => void;
  /**
   * A dropout mask drawn from a stream, one draw per unit in order (./regularize.ts): 0 where the
   * draw is below threshold, kept elsewhere; state, a xoshiro128** state, advanced in place. The
   * draws are Rng.nextU32's on every set, so the masks are the same bits everywhere.
   */
  readonly dropoutMask: (
    mask: Float32Array, // (n)
    state: Uint32Array, // (4)
    threshold: number,
    kept: number,
  ) => void;
  /** out = x mask: inverted dropout with a drawn mask of 0 and 1 / (1 - p) (./regularize.ts). out may be x. */
  readonly dropout: (
    out: Float32Array, // (n)
    x: Float32Array, // (n)
    mask: Float32Array, // (n)
  ) => void;
  /** dx += dout mask. */
  readonly dropoutBackward: (
    dx: Float32Array, // (n)
    dout: Float32Array, // (n)
    mask: Float32Array, // (n)
  ) => void;
  /**
   * Batch normalization with the batch's statistics, per column: mean and rstd = 1 / sqrt(var + eps)
   * written for backward, out = gamma (x - mean) rstd + beta.
   */
  readonly batchNorm: (
    out: Float32Array, // (B, N)
    mean: Float32Array, // (N)
    rstd: Float32Array, // (N)
    x: Float32Array, // (B, N)
    gamma: Float32Array, // (N)
    beta: Float32Array, // (N)
    B: number,
    N: number,
    eps: number,
  ) => void;
  /** out = gamma (x - mean) rstd + beta with given statistics (evaluation's running ones). out may be x. */
  readonly batchNormApply: (
    out: Float32Array, // (B, N)
    x: Float32Array, // (B, N)
    mean: Float32Array, // (N)
    rstd: Float32Array, // (N)
    gamma: Float32Array, // (N)
    beta: Float32Array, // (N)
    B: number,
    N: number,
  ) => void;
  /** dx, dgamma, dbeta += the gradients of batchNorm (its batch statistics differentiated too). */
  readonly batchNormBackward: (
    dx: Float32Array, // (B, N)
    dgamma: Float32Array, // (N)
    dbeta: Float32Array, // (N)
    dout: Float32Array, // (B, N)
    x: Float32Array, // (B, N)
    mean: Float32Array, // (N)
    rstd: Float32Array, // (N)
    gamma: Float32Array, // (N)
    B: number,
    N: number,
  ) => void;
  /** In place: s = keep s + add g'^2, w -= lr g' / (sqrt(s) + eps) (Adagrad: keep = add = 1; RMSProp); g' as in momentum. */
  readonly adagrad: (
    w: Float32Array, // (n)
    g: Float32Array, // (n)
    s: Float32Array, // (n)
    lr: number,
    eps: number,
    keep: number,
    add: number,
    scale: number,
  ) => void;
  /**
   * In place: m = b1 m + (1 - b1) g', v = b2 v + (1 - b2) g'^2, w -= lr (m / c1) / (sqrt(v / c2) + eps),
   * with the bias corrections c1 = 1 - b1^t, c2 = 1 - b2^t given; g' as in momentum.
   */
  readonly adam: (
    w: Float32Array, // (n)
    g: Float32Array, // (n)
    m: Float32Array, // (n)
    v: Float32Array, // (n)
    lr: number,
    beta1: number,
    beta2: number,
    eps: number,
    c1: number,
    c2: number,
    scale: number,
  ) => void;
}

/** out = f(x) elementwise. */
export type UnaryKernel = (
  out: Float32Array, // (n)
  x: Float32Array, // (n)
) => void;

/** dx += dout f'(x), with f' read from the forward output. */
export type BackwardKernel = (
  dx: Float32Array, // (n)
  dout: Float32Array, // (n)
  out: Float32Array, // (n) the forward output
) => void;

/** matmulAtBMomentum as its two kernels one after the other, g in a scratch buffer: the sets without a fused one. */
export function matmulAtBThenMomentum(
  k: Pick<Kernels, 'matmulAtB' | 'momentum'>,
): Kernels['matmulAtBMomentum'] {
  let g = new Float32Array(0);
  return (a, b, M, K, N, w, v, lr, mu, c, nesterov) => {
    if (g.length < M * N) g = new Float32Array(M * N);
    const gradient = g.subarray(0, M * N);
    k.matmulAtB(gradient, a, b, M, K, N);
    k.momentum(w, gradient, v, lr, mu, c, nesterov, 1);
  };
}
