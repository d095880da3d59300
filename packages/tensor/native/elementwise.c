// The streaming kernels of a training step besides the optimizers: activations forward and
// backward, softmax, the classification losses, the bias gradient. Plain loops in float32 (the
// losses sum in double, as the reference does); the compiler vectorizes those without a call.
// Dimension legend: see kernels.h. Backward kernels accumulate (+=).
#include <math.h>
#include <string.h>

#include "kernels.h"

// e^x to about 1 ulp without a libm call, so loops over it vectorize (libm's expf is scalar, and
// the exponentials of sigmoid and softmax were most of a sigmoid network's elementwise time):
// x = n ln2 + r with |r| <= ln2 / 2 (ln2 in two parts, so r is exact), e^r by Cephes' degree-7
// polynomial, 2^n by writing n into the exponent bits. x is clamped to [ln FLT_MIN, 88], where
// 2^n stays a normal float: the result saturates at e^88 instead of overflowing, and is 0 below
// FLT_MIN (flushed to zero, as every native kernel's denormals are).
static inline float exp_of(float x) {
  const float lowest = -87.33654475f; // ln FLT_MIN
  if (x < lowest) return 0;
  x = x > 88.0f ? 88.0f : x;
  const float round = 12582912.0f; // 1.5 * 2^23: adding and subtracting it rounds to an integer
  float n = (x * 1.44269504088896341f + round) - round;
  float r = x - n * 0.693359375f + n * 2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1;
  int bits = ((int)n + 127) << 23;
  float scale;
  memcpy(&scale, &bits, sizeof scale);
  return p * scale;
}

CLONES void relu_forward(float *out, const float *x, long n) {
  for (long i = 0; i < n; i++) out[i] = x[i] > 0 ? x[i] : 0;
}

CLONES void relu_backward(float *dx, const float *dout, const float *a, long n) {
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

// 1 / (1 + e^-x) needs no split at 0 here: exp_of saturates instead of overflowing, and the
// quotient then underflows to 0 as it should. Branch-free, so the loop vectorizes.
CLONES void sigmoid_forward(float *out, const float *x, long n) {
  for (long i = 0; i < n; i++) out[i] = 1 / (1 + exp_of(-x[i]));
}

CLONES void sigmoid_backward(float *dx, const float *dout, const float *out, long n) {
  for (long i = 0; i < n; i++) dx[i] += dout[i] * out[i] * (1 - out[i]);
}

// Cephes' tanhf, branch-free so the loop vectorizes (libm's tanhf is scalar, about 11 ns a value
// here): an odd polynomial below |x| = 0.625, where 1 - 2 / (e^2|x| + 1) would lose digits to
// cancellation, that formula with x's sign above.
CLONES void tanh_forward(float *out, const float *x, long n) {
  for (long i = 0; i < n; i++) {
    float a = fabsf(x[i]), z = x[i] * x[i];
    float small = ((((-5.70498872745e-3f * z + 2.06390887954e-2f) * z - 5.37397155531e-2f) * z +
                    1.33314422036e-1f) * z - 3.33332819422e-1f) * z * x[i] + x[i];
    float large = 1 - 2 / (exp_of(2 * a) + 1);
    out[i] = a < 0.625f ? small : copysignf(large, x[i]);
  }
}

CLONES void tanh_backward(float *dx, const float *dout, const float *out, long n) {
  for (long i = 0; i < n; i++) dx[i] += dout[i] * (1 - out[i] * out[i]);
}

static float row_max(const float *x, long N) {
  float m = -INFINITY;
  for (long j = 0; j < N; j++)
    if (x[j] > m) m = x[j];
  return m;
}

CLONES void softmax_forward(float *out, const float *x, long B, long N) {
  for (long b = 0; b < B; b++, x += N, out += N) {
    float m = row_max(x, N), sum = 0;
    for (long j = 0; j < N; j++) out[j] = exp_of(x[j] - m);
    for (long j = 0; j < N; j++) sum += out[j];
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
CLONES void fused_loss_backward(float *dz, const float *a, const float *y, float scale, long n) {
  for (long i = 0; i < n; i++) dz[i] += scale * (a[i] - y[i]);
}
