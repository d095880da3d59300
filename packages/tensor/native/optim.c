// The optimizers' per-parameter updates, in place, in float32, each from the gradient scale g (scale
// g rounded to float: a clipped gradient, without a pass of its own; scale 1 is g exactly). With
// flush-to-zero set by the
// addon, velocities and moments that decay geometrically reach 0 instead of lingering as
// denormals (each of which costs a microcode assist on x86).
// Dimension legend: see kernels.h.
#include <math.h>

#include "kernels.h"

// MOMENTUM_STEP (kernels.h) over n elements. restrict (the buffers never overlap) lets it
// vectorize, and the compiler takes the nesterov test out of the loop.
CLONES void momentum_update(float *restrict w, const float *restrict g, float *restrict v, long n, float lr,
                            float mu, float c, int nesterov, float scale) {
  const struct momentum m = {.lr = lr, .mu = mu, .c = c, .nesterov = nesterov};
  for (long i = 0; i < n; i++) MOMENTUM_STEP(w[i], v[i], scale * g[i], &m);
}

// s = keep s + add g^2;  w -= lr g / (sqrt(s) + eps): Adagrad (keep = add = 1) and RMSProp.
CLONES void adagrad_update(float *restrict w, const float *restrict g, float *restrict s, long n, float lr,
                           float eps, float keep, float add, float scale) {
  for (long i = 0; i < n; i++) {
    const float gi = scale * g[i];
    s[i] = keep * s[i] + add * gi * gi;
    w[i] -= lr * gi / (sqrtf(s[i]) + eps);
  }
}

// m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;  w -= lr (m / c1) / (sqrt(v / c2) + eps).
// The caller gives 1 - b1 and 1 - b2 computed in double: in float32, 1 - fl(0.999) loses 4 digits.
CLONES void adam_update(float *restrict w, const float *restrict g, float *restrict m, float *restrict v, long n,
                        float lr, float beta1, float add1, float beta2, float add2, float eps, float c1, float c2,
                        float scale) {
  for (long i = 0; i < n; i++) {
    const float gi = scale * g[i];
    m[i] = beta1 * m[i] + add1 * gi;
    v[i] = beta2 * v[i] + add2 * gi * gi;
    w[i] -= lr * (m[i] / c1) / (sqrtf(v[i] / c2) + eps);
  }
}
