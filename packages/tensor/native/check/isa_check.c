// Every ISA path's matmul that this build and CPU run, against a float64 reference, outside
// Node: so that a path no test machine runs natively (NEON) can be checked built for aarch64 and
// run under an emulator (test/isa-check.test.ts). The shapes straddle every tile and block edge
// of every path (tiles up to 8 x 32, blocks of 48 rows, 256 deep, 512 wide, chunks of rows done
// over all of K: 96 rows at 512 wide), and K = 0. And the momentum step each micro-kernel takes
// from its registers, against the stored product then MOMENTUM_STEP, bit for bit; and the sum of
// squares each takes as it stores its tile: the result the same bits as without it, the sum within
// float32's rounding of the float64 sum of the stored squares.
// Prints one line per path checked; exits 1 at the first result off by more than the tolerance.
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../kernels.h"

static const char *PATHS[] = {"avx512", "avx2", "neon", "portable"};
static const long SHAPES[][3] = {{1, 1, 1},    {3, 7, 129},  {7, 3, 10},   {9, 300, 33},    {49, 5, 17},
                                 {129, 785, 7}, {3, 785, 16}, {64, 7, 520}, {100, 300, 520}, {2, 0, 5}};

// Ends the check, saying what could not be allocated, if anything was not.
static void exit_if_failed(struct alloc_failure failed) {
  if (!failed.what) return;
  printf("could not allocate %zu bytes for %s\n", failed.bytes, failed.what);
  exit(1);
}

// n floats (alloc_floats), or the check ends saying what it could not allocate.
static float *floats(size_t n, const char *what) {
  struct alloc_failure failed = {0};
  float *p = alloc_floats(n, what, &failed);
  exit_if_failed(failed);
  return p;
}

static float uniform(unsigned *state) { // in [-1, 1)
  *state = *state * 1664525u + 1013904223u;
  return (float)(*state >> 8) / (float)(1u << 23) - 1.0f;
}

int main(void) {
  unsigned state = 1;
  int checked = 0;
  for (size_t p = 0; p < sizeof PATHS / sizeof PATHS[0]; p++) {
    const struct isa *isa = isa_named(PATHS[p]);
    if (!isa) continue;
    long cases = 0, steps = 0;
    for (size_t s = 0; s < sizeof SHAPES / sizeof SHAPES[0]; s++) {
      const long M = SHAPES[s][0], K = SHAPES[s][1], N = SHAPES[s][2];
      float *a = floats(M * K, "a"), *b = floats(K * N, "b"), *bias = floats(N, "bias");
      float *out = floats(M * N, "out"), *start = floats(M * N, "start");
      for (long i = 0; i < M * K; i++) a[i] = uniform(&state);
      for (long i = 0; i < K * N; i++) b[i] = uniform(&state);
      for (long i = 0; i < N; i++) bias[i] = uniform(&state);
      for (long i = 0; i < M * N; i++) start[i] = uniform(&state);
      // form 0: a b, 1: a^T b, 2: a b^T (the strides the addon passes)
      for (int form = 0; form < 3; form++) {
        const long aLs = form == 1 ? 1 : K, aKs = form == 1 ? M : 1;
        const long bLs = form == 2 ? K : 1, bKs = form == 2 ? 1 : N;
        for (int accumulate = 0; accumulate < 2; accumulate++) {
          for (long i = 0; i < M * N; i++) out[i] = start[i];
          exit_if_failed(matmul(isa, out, a, b, M, K, N, aLs, aKs, bLs, bKs, accumulate, bias, NULL, NULL));
          for (long i = 0; i < M; i++)
            for (long j = 0; j < N; j++) {
              double want = (accumulate ? start[i * N + j] : 0) + bias[j], scale = 1;
              for (long k = 0; k < K; k++) {
                double term = (double)a[i * aLs + k * aKs] * b[j * bLs + k * bKs];
                want += term;
                scale += fabs(term);
              }
              if (fabs(out[i * N + j] - want) > 1e-6 * scale) {
                printf("%s: form %d, accumulate %d, (M, K, N) = (%ld, %ld, %ld): out[%ld][%ld] = %.9g, want %.9g\n",
                       isa->name, form, accumulate, M, K, N, i, j, out[i * N + j], want);
                return 1;
              }
            }
          // The same product with its sum of squares taken as it is stored.
          float *squared = floats(M * N, "squared");
          for (long i = 0; i < M * N; i++) squared[i] = start[i];
          double sumsq = -1, want_sumsq = 0, tolerance = 0;
          exit_if_failed(matmul(isa, squared, a, b, M, K, N, aLs, aKs, bLs, bKs, accumulate, bias, NULL, &sumsq));
          for (long i = 0; i < M * N; i++) want_sumsq += (double)out[i] * out[i];
          // Each tile's float32 sum of at most 8 x 32 squares, each square rounded: (256 + 1) u of the sum.
          tolerance = 257 * 0x1p-24 * want_sumsq;
          if (memcmp(squared, out, sizeof(float) * M * N) || !(fabs(sumsq - want_sumsq) <= tolerance)) {
            printf("%s: sum of squares, form %d, accumulate %d, (M, K, N) = (%ld, %ld, %ld): %.9g, want %.9g, or the "
                   "result differs from the plain one\n",
                   isa->name, form, accumulate, M, K, N, sumsq, want_sumsq);
            return 1;
          }
          free(squared);
          cases++;
        }
        // The momentum step from the product a b in the form's layout, fused and composed.
        for (int nesterov = 0; nesterov < 2; nesterov++) {
          float *w = floats(M * N, "w"), *v = floats(M * N, "v");
          float *want_w = floats(M * N, "want_w"), *want_v = floats(M * N, "want_v");
          for (long i = 0; i < M * N; i++) want_w[i] = w[i] = start[i], want_v[i] = v[i] = uniform(&state);
          const struct momentum fused = {w, v, N, 0.01f, 0.9f, 0.1f, nesterov};
          exit_if_failed(matmul(isa, NULL, a, b, M, K, N, aLs, aKs, bLs, bKs, 0, NULL, &fused, NULL));
          exit_if_failed(matmul(isa, out, a, b, M, K, N, aLs, aKs, bLs, bKs, 0, NULL, NULL, NULL));
          const struct momentum composed = {want_w, want_v, N, 0.01f, 0.9f, 0.1f, nesterov};
          for (long i = 0; i < M * N; i++) MOMENTUM_STEP(want_w[i], want_v[i], out[i], &composed);
          if (memcmp(w, want_w, sizeof(float) * M * N) || memcmp(v, want_v, sizeof(float) * M * N)) {
            printf("%s: momentum step, form %d, nesterov %d, (M, K, N) = (%ld, %ld, %ld): w or v differ from the "
                   "product then the step\n",
                   isa->name, form, nesterov, M, K, N);
            return 1;
          }
          free(w), free(v), free(want_w), free(want_v);
          steps++;
        }
      }
      free(a), free(b), free(bias), free(out), free(start);
    }
    printf("%s: %ld cases agree with the float64 reference (with their sums of squares), %ld momentum steps with the "
           "product then the step\n",
           isa->name, cases, steps);
    checked++;
  }
  return checked > 0 ? 0 : 1;
}
