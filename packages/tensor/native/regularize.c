// The regularizing layers' kernels: dropout (a drawn mask applied) and batch normalization, each
// backward beside its forward, as src/kernels/regularize.ts (the reference) states them. Column
// statistics are summed row after row in float32, across the columns at once, so the loops
// vectorize without reordering any sum. Dimension legend: see kernels.h. Backward kernels
// accumulate (+=).
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kernels.h"

// xoshiro128** (src/rng.ts, Rng.nextU32), one draw per unit in order from the caller's state: mask =
// 0 where the draw is below threshold (p 2^32), kept elsewhere. The draws are a chain through the
// state, so this is a scalar loop; the mask is taken from the comparison with integer operations,
// branch-free (a branch on random draws mispredicts on a share p of the units: compiled as one, the
// loop took 3 ns a unit instead of about 1).
void dropout_mask(float *mask, uint32_t *state, long n, double threshold, float kept) {
  const uint64_t at_least = (uint64_t)ceil(threshold); // an integer draw is >= threshold when >= this
  uint32_t kept_bits;
  memcpy(&kept_bits, &kept, sizeof kept_bits);
  uint32_t s0 = state[0], s1 = state[1], s2 = state[2], s3 = state[3];
  for (long i = 0; i < n; i++) {
    const uint32_t m = s1 * 5, draw = ((m << 7) | (m >> 25)) * 9, t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = (s3 << 11) | (s3 >> 21);
    const uint32_t bits = kept_bits & -(uint32_t)((uint64_t)draw >= at_least);
    memcpy(mask + i, &bits, sizeof bits);
  }
  state[0] = s0, state[1] = s1, state[2] = s2, state[3] = s3;
}

CLONES void dropout_forward(float *out, const float *x, const float *mask, long n) {
  for (long i = 0; i < n; i++) out[i] = x[i] * mask[i];
}

CLONES void dropout_backward(float *dx, const float *dout, const float *mask, long n) {
  for (long i = 0; i < n; i++) dx[i] += dout[i] * mask[i];
}

CLONES void batch_norm_apply(float *out, const float *x, const float *mean, const float *rstd, const float *gamma,
                             const float *beta, long B, long N) {
  for (long i = 0; i < B; i++)
    for (long j = 0; j < N; j++) out[i * N + j] = gamma[j] * ((x[i * N + j] - mean[j]) * rstd[j]) + beta[j];
}

CLONES void batch_norm_forward(float *out, float *mean, float *rstd, const float *x, const float *gamma,
                               const float *beta, long B, long N, float eps) {
  for (long j = 0; j < N; j++) mean[j] = 0, rstd[j] = 0;
  for (long i = 0; i < B; i++)
    for (long j = 0; j < N; j++) mean[j] += x[i * N + j];
  for (long j = 0; j < N; j++) mean[j] /= B;
  // The squared deviations summed in rstd, then turned into 1 / sqrt(var + eps) in place.
  for (long i = 0; i < B; i++)
    for (long j = 0; j < N; j++) {
      float d = x[i * N + j] - mean[j];
      rstd[j] += d * d;
    }
  for (long j = 0; j < N; j++) rstd[j] = 1 / sqrtf(rstd[j] / B + eps);
  batch_norm_apply(out, x, mean, rstd, gamma, beta, B, N);
}

CLONES struct alloc_failure batch_norm_backward(float *dx, float *dgamma, float *dbeta, const float *dout,
                                                const float *x, const float *mean, const float *rstd,
                                                const float *gamma, long B, long N) {
  struct alloc_failure failed = {0};
  // Column sums of dout and of dout xhat: dbeta's and dgamma's terms, and the two means of dx.
  float *sum_g = alloc_floats(2 * N, "batch norm's column sums", &failed);
  if (!sum_g) return failed;
  float *sum_gx = sum_g + N;
  for (long j = 0; j < N; j++) sum_g[j] = 0, sum_gx[j] = 0;
  for (long i = 0; i < B; i++)
    for (long j = 0; j < N; j++) {
      float xhat = (x[i * N + j] - mean[j]) * rstd[j];
      sum_g[j] += dout[i * N + j];
      sum_gx[j] += dout[i * N + j] * xhat;
    }
  for (long j = 0; j < N; j++) dbeta[j] += sum_g[j], dgamma[j] += sum_gx[j];
  for (long i = 0; i < B; i++)
    for (long j = 0; j < N; j++) {
      float xhat = (x[i * N + j] - mean[j]) * rstd[j];
      float g = dout[i * N + j] * gamma[j];
      dx[i * N + j] += rstd[j] * (g - gamma[j] * sum_g[j] / B - xhat * gamma[j] * sum_gx[j] / B);
    }
  free(sum_g);
  return failed;
}
