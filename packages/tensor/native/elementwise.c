// The streaming kernels of a training step besides the optimizers: activations forward and
// backward, softmax, the classification losses, the bias gradient. Plain loops in float32 (the
// losses sum in double, as the reference does); the compiler vectorizes those without a call.
// Dimension legend: see src/kernels/kernels.ts. Backward kernels accumulate (+=).
#include <math.h>

#include "kernels.h"

void relu_forward(float *out, const float *x, long n) {
  for (long i = 0; i < n; i++) out[i] = x[i] > 0 ? x[i] : 0;
}

void relu_backward(float *dx, const float *dout, const float *a, long n) {
  // Not dx += a > 0 ? dout : 0, which would turn a -0 in dx into +0 where the reference leaves it.
  for (long i = 0; i < n; i++)
    if (a[i] > 0) dx[i] += dout[i];
}

// Row after row, as the reference: the same float32 additions in the same order, the same bits.
void sum_rows(float *out, const float *x, long M, long N, int accumulate) {
  if (!accumulate)
    for (long j = 0; j < N; j++) out[j] = 0;
  for (long i = 0; i < M; i++)
    for (long j = 0; j < N; j++) out[j] += x[i * N + j];
}

// Split at 0 so expf never overflows: for x < 0, e^x / (1 + e^x).
static float sigmoid_of(float x) {
  if (x >= 0) return 1 / (1 + expf(-x));
  float e = expf(x);
  return e / (1 + e);
}

void sigmoid_forward(float *out, const float *x, long n) {
  for (long i = 0; i < n; i++) out[i] = sigmoid_of(x[i]);
}

void sigmoid_backward(float *dx, const float *dout, const float *out, long n) {
  for (long i = 0; i < n; i++) dx[i] += dout[i] * out[i] * (1 - out[i]);
}

void tanh_forward(float *out, const float *x, long n) {
  for (long i = 0; i < n; i++) out[i] = tanhf(x[i]);
}

void tanh_backward(float *dx, const float *dout, const float *out, long n) {
  for (long i = 0; i < n; i++) dx[i] += dout[i] * (1 - out[i] * out[i]);
}

static float row_max(const float *x, long N) {
  float m = -INFINITY;
  for (long j = 0; j < N; j++)
    if (x[j] > m) m = x[j];
  return m;
}

void softmax_forward(float *out, const float *x, long B, long N) {
  for (long b = 0; b < B; b++, x += N, out += N) {
    float m = row_max(x, N), sum = 0;
    for (long j = 0; j < N; j++) sum += out[j] = expf(x[j] - m);
    for (long j = 0; j < N; j++) out[j] /= sum;
  }
}

// J^T g = s * (g - <g, s>): the Jacobian diag(s) - s s^T never formed.
void softmax_backward(float *dx, const float *dout, const float *out, long B, long N) {
  for (long b = 0; b < B; b++, dx += N, dout += N, out += N) {
    float dot = 0;
    for (long j = 0; j < N; j++) dot += dout[j] * out[j];
    for (long j = 0; j < N; j++) dx[j] += out[j] * (dout[j] - dot);
  }
}

// sum_b sum_j y_bj (lse(z_b) - z_bj), lse(z) = m + log sum_j e^(z_j - m), m = max_j z_j.
double cross_entropy(const float *z, const float *y, long B, long N) {
  double total = 0;
  for (long b = 0; b < B; b++, z += N, y += N) {
    double m = row_max(z, N), s = 0;
    for (long j = 0; j < N; j++) s += exp(z[j] - m);
    double lse = m + log(s);
    for (long j = 0; j < N; j++)
      if (y[j] != 0) total += y[j] * (lse - z[j]);
  }
  return total;
}

// sum max(z, 0) - z y + log(1 + e^-|z|): binary cross-entropy on the logits, no log(0).
double bce(const float *z, const float *y, long n) {
  double total = 0;
  for (long i = 0; i < n; i++) total += fmax(z[i], 0) - (double)z[i] * y[i] + log1p(exp(-fabs(z[i])));
  return total;
}

// dz += scale (a - y): the gradient of sigmoid + BCE and of softmax + CE on the logits alike.
void fused_loss_backward(float *dz, const float *a, const float *y, float scale, long n) {
  for (long i = 0; i < n; i++) dz[i] += scale * (a[i] - y[i]);
}
