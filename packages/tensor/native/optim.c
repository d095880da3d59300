// The optimizers' per-parameter updates, in place, in float32. With flush-to-zero set by the
// addon, velocities and moments that decay geometrically reach 0 instead of lingering as
// denormals (each of which costs a microcode assist on x86).
// Dimension legend: see src/kernels/kernels.ts.
#include <math.h>

#include "kernels.h"

// v = mu v + c g;  w -= lr v, or with nesterov w -= lr (c g + mu v). Two loops rather than a
// select per element, and restrict (the buffers never overlap), so both vectorize: together about
// a third faster at 100,000 parameters, which at batch 16 is most of the optimizer's time.
CLONES void momentum_update(float *restrict w, const float *restrict g, float *restrict v, long n, float lr,
                            float mu, float c, int nesterov) {
  if (nesterov) {
    for (long i = 0; i < n; i++) {
      v[i] = mu * v[i] + c * g[i];
      w[i] -= lr * (c * g[i] + mu * v[i]);
    }
    return;
  }
  for (long i = 0; i < n; i++) {
    v[i] = mu * v[i] + c * g[i];
    w[i] -= lr * v[i];
  }
}

// On one block of the gradient: rows i.. and columns j.. of w, v and g. A block of whole rows is
// contiguous in all three: one call.
void momentum_block(const struct epilogue *self, const float *g, long ldg, long i, long j, long mm, long nn) {
  const struct momentum_epilogue *e = (const struct momentum_epilogue *)self;
  float *w = e->w + i * e->N + j, *v = e->v + i * e->N + j;
  if (nn == e->N && ldg == e->N)
    momentum_update(w, g, v, mm * nn, e->lr, e->mu, e->c, e->nesterov);
  else
    for (long r = 0; r < mm; r++)
      momentum_update(w + r * e->N, g + r * ldg, v + r * e->N, nn, e->lr, e->mu, e->c, e->nesterov);
}

// s = keep s + add g^2;  w -= lr g / (sqrt(s) + eps): Adagrad (keep = add = 1) and RMSProp.
CLONES void adagrad_update(float *restrict w, const float *restrict g, float *restrict s, long n, float lr,
                           float eps, float keep, float add) {
  for (long i = 0; i < n; i++) {
    s[i] = keep * s[i] + add * g[i] * g[i];
    w[i] -= lr * g[i] / (sqrtf(s[i]) + eps);
  }
}

// m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;  w -= lr (m / c1) / (sqrt(v / c2) + eps).
// The caller gives 1 - b1 and 1 - b2 computed in double: in float32, 1 - fl(0.999) loses 4 digits.
CLONES void adam_update(float *restrict w, const float *restrict g, float *restrict m, float *restrict v, long n,
                        float lr, float beta1, float add1, float beta2, float add2, float eps, float c1, float c2) {
  for (long i = 0; i < n; i++) {
    m[i] = beta1 * m[i] + add1 * g[i];
    v[i] = beta2 * v[i] + add2 * g[i] * g[i];
    w[i] -= lr * (m[i] / c1) / (sqrtf(v[i] / c2) + eps);
  }
}
