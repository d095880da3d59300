// Reference kernels of the regularizing layers: dropout and batch normalization, each backward
// beside its forward. Plain loops, written to be read; the native (../../native/regularize.c) and
// wasm (../wasm/kernels-wat.mjs) sets must agree with them within test/regularize.test.ts's
// tolerances.
//
// Dimension legend: see ../../native/kernels.h. Batch norm normalizes each of the N columns of a
// (B, N) batch over its B rows; backward kernels accumulate (+=).
import { Rng } from '../rng.ts';

// dropoutMask's draws, and the generator that takes the caller's state, kept between calls.
let draws = new Uint32Array(0);
const stream = new Rng(0);

/**
 * An inverted-dropout mask drawn from a stream: for each unit in order, the stream's next draw (the
 * numbers Rng.nextU32 gives from `state`, a xoshiro128** state, advanced in place) gives 0 when
 * below threshold (p 2^32: dropped with probability p, to within 2^-32) and kept (1 / (1 - p),
 * rounded to float32) otherwise.
 */
export function dropoutMask(
  mask: Float32Array, // (n)
  state: Uint32Array, // (4)
  threshold: number,
  kept: number,
): void {
  const n = mask.length;
  if (draws.length < n) draws = new Uint32Array(n);
  stream.setState({ s: [state[0], state[1], state[2], state[3]], spare: null });
  stream.fillU32(draws.subarray(0, n));
  state.set(stream.getState().s);
  // Branch-free (a kept unit is 1 x kept): a branch on random draws mispredicts at every rate but 0,
  // and cost 2.5x as much. (The wasm set runs this code.)
  for (let i = 0; i < n; i++) mask[i] = kept * Number(draws[i] >= threshold);
}

/**
 * out = x mask elementwise: inverted dropout, the mask holding 0 for a dropped unit and 1 / (1 - p)
 * for a kept one (drawn by the caller from the run's own stream). out may be x.
 */
export function dropout(
  out: Float32Array, // (n)
  x: Float32Array, // (n)
  mask: Float32Array, // (n)
): void {
  for (let i = 0; i < out.length; i++) out[i] = x[i] * mask[i];
}

/** dx += dout mask. */
export function dropoutBackward(
  dx: Float32Array, // (n)
  dout: Float32Array, // (n)
  mask: Float32Array, // (n)
): void {
  for (let i = 0; i < dx.length; i++) dx[i] += dout[i] * mask[i];
}

/**
 * Batch statistics, then the normalization: per column j, mean_j and rstd_j = 1 / sqrt(var_j + eps)
 * (var the biased variance over the B rows, summed row after row), and
 * out = gamma (x - mean) rstd + beta. mean and rstd are kept for backward.
 */
export function batchNorm(
  out: Float32Array, // (B, N)
  mean: Float32Array, // (N)
  rstd: Float32Array, // (N)
  x: Float32Array, // (B, N)
  gamma: Float32Array, // (N)
  beta: Float32Array, // (N)
  B: number,
  N: number,
  eps: number,
): void {
  mean.fill(0, 0, N);
  for (let i = 0; i < B; i++) for (let j = 0; j < N; j++) mean[j] += x[i * N + j];
  for (let j = 0; j < N; j++) mean[j] /= B;
  // The squared deviations summed in rstd, then turned into 1 / sqrt(var + eps) in place.
  rstd.fill(0, 0, N);
  for (let i = 0; i < B; i++)
    for (let j = 0; j < N; j++) {
      const d = x[i * N + j] - mean[j];
      rstd[j] += d * d;
    }
  for (let j = 0; j < N; j++) rstd[j] = 1 / Math.sqrt(rstd[j] / B + eps);
  batchNormApply(out, x, mean, rstd, gamma, beta, B, N);
}

/** out = gamma (x - mean) rstd + beta, per column, with given statistics (running ones at evaluation). out may be x. */
export function batchNormApply(
  out: Float32Array, // (B, N)
  x: Float32Array, // (B, N)
  mean: Float32Array, // (N)
  rstd: Float32Array, // (N)
  gamma: Float32Array, // (N)
  beta: Float32Array, // (N)
  B: number,
  N: number,
): void {
  for (let i = 0; i < B; i++)
    for (let j = 0; j < N; j++) out[i * N + j] = gamma[j] * ((x[i * N + j] - mean[j]) * rstd[j]) + beta[j];
}

// batchNormBackward's column sums, kept between calls: a training step allocates nothing.
let sums = new Float64Array(0);

/**
 * The gradients of batchNorm with its batch statistics, xhat = (x - mean) rstd recomputed:
 * dbeta += sum_i dout, dgamma += sum_i dout xhat, and with g = dout gamma,
 * dx += rstd (g - mean_i(g) - xhat mean_i(g xhat)) (the statistics depend on every row).
 */
export function batchNormBackward(
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
): void {
  // Column sums of dout and dout xhat: dbeta's and dgamma's terms, and the two means of dx.
  if (sums.length < 2 * N) sums = new Float64Array(2 * N);
  const sumG = sums.subarray(0, N).fill(0);
  const sumGX = sums.subarray(N, 2 * N).fill(0);
  for (let i = 0; i < B; i++)
    for (let j = 0; j < N; j++) {
      const xhat = (x[i * N + j] - mean[j]) * rstd[j];
      sumG[j] += dout[i * N + j];
      sumGX[j] += dout[i * N + j] * xhat;
    }
  for (let j = 0; j < N; j++) {
    dbeta[j] += sumG[j];
    dgamma[j] += sumGX[j];
  }
  for (let i = 0; i < B; i++)
    for (let j = 0; j < N; j++) {
      const xhat = (x[i * N + j] - mean[j]) * rstd[j];
      const g = dout[i * N + j] * gamma[j];
      dx[i * N + j] += rstd[j] * (g - (gamma[j] * sumG[j]) / B - (xhat * gamma[j] * sumGX[j]) / B);
    }
}
