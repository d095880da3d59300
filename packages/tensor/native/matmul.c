// GotoBLAS/BLIS-style matmul. Loop nest: N in blocks of NC, K in blocks of KC (B's block packed
// once, up to 512 KB: in L2 or close by), M in blocks of MC (A's block packed, 48 KB), then MR-tall
// panels of A (8 KB at MR 8: stays in L1 while B's panels stream from L2) and NR-wide panels of B,
// each pair one micro-kernel call on a register-resident MR x NR tile of C. (A 256 x 32 panel of B
// is all of a 32 KB L1, so keeping B's panel in L1 across A's instead, as BLIS does with narrower
// panels, measured slower on large shapes.) Packing zero-pads both operands to whole panels,
// so the micro-kernels have no edge cases; edge tiles of C go through a scratch tile. An epilogue
// (kernels.h) may take each block of C as soon as it is final: the momentum step fused with the
// weight gradient, which then need not be stored at all.
// Dimension legend: see src/kernels/kernels.ts.
#include <stdlib.h>
#include <string.h>

#include "kernels.h"

#if defined(__x86_64__)
#include <immintrin.h>
#elif defined(__aarch64__)
#include <arm_neon.h>
#endif

enum { KC = 256, MC = 48, NC = 512, MAX_TILE = 16 * 32 };
// With few rows of A, packing B costs as much as the multiply (each panel is used M / MR times):
// row-contiguous B (a b, a^T b) is then read in place, its rows ldb = N apart.
enum { IN_PLACE_MAX_M = 64 };

#define TILE_LOOP(r, mr) _Pragma("GCC unroll 16") for (int r = 0; r < (mr); r++)

// Portable C: fixed-size loops that the compiler unrolls and vectorizes for the baseline ISA.
enum { P_MR = 4, P_NR = 16 };
static void kernel_portable(long kc, const float *pa, const float *pb, long ldb, float *c, long ldc, int load_c,
                            const float *bias) {
  float acc[P_MR][P_NR] = {{0}};
  for (long k = 0; k < kc; k++, pa += P_MR, pb += ldb) {
    TILE_LOOP(r, P_MR) {
      for (int j = 0; j < P_NR; j++) acc[r][j] += pa[r] * pb[j];
    }
  }
  TILE_LOOP(r, P_MR) {
    for (int j = 0; j < P_NR; j++) {
      float v = load_c ? c[r * ldc + j] + acc[r][j] : acc[r][j];
      c[r * ldc + j] = bias ? v + bias[j] : v;
    }
  }
}

#if defined(__x86_64__)
// AVX-512F, 8 x 32: 16 zmm accumulators, per k two loads of B and 8 broadcasts of A (folded into
// the FMAs as memory operands) for 16 FMAs. 8 rows fit batches of 16 and 128 without padding.
enum { Z_MR = 8, Z_NR = 32 };
__attribute__((target("avx512f"))) static void kernel_avx512(long kc, const float *pa, const float *pb, long ldb,
                                                             float *c, long ldc, int load_c, const float *bias) {
  __m512 acc[Z_MR][2];
  TILE_LOOP(r, Z_MR) acc[r][0] = acc[r][1] = _mm512_setzero_ps();
  for (long k = 0; k < kc; k++, pa += Z_MR, pb += ldb) {
    __m512 b0 = _mm512_loadu_ps(pb), b1 = _mm512_loadu_ps(pb + 16);
    TILE_LOOP(r, Z_MR) {
      __m512 ar = _mm512_set1_ps(pa[r]);
      acc[r][0] = _mm512_fmadd_ps(ar, b0, acc[r][0]);
      acc[r][1] = _mm512_fmadd_ps(ar, b1, acc[r][1]);
    }
  }
  TILE_LOOP(r, Z_MR) {
    for (int h = 0; h < 2; h++) {
      float *cr = c + r * ldc + 16 * h;
      __m512 v = load_c ? _mm512_add_ps(_mm512_loadu_ps(cr), acc[r][h]) : acc[r][h];
      if (bias) v = _mm512_add_ps(v, _mm512_loadu_ps(bias + 16 * h));
      _mm512_storeu_ps(cr, v);
    }
  }
}

// AVX2 + FMA, 6 x 16: the classic tile, 12 of the 16 ymm registers as accumulators.
enum { Y_MR = 6, Y_NR = 16 };
__attribute__((target("avx2,fma"))) static void kernel_avx2(long kc, const float *pa, const float *pb, long ldb,
                                                            float *c, long ldc, int load_c, const float *bias) {
  __m256 acc[Y_MR][2];
  TILE_LOOP(r, Y_MR) acc[r][0] = acc[r][1] = _mm256_setzero_ps();
  for (long k = 0; k < kc; k++, pa += Y_MR, pb += ldb) {
    __m256 b0 = _mm256_loadu_ps(pb), b1 = _mm256_loadu_ps(pb + 8);
    TILE_LOOP(r, Y_MR) {
      __m256 ar = _mm256_broadcast_ss(pa + r);
      acc[r][0] = _mm256_fmadd_ps(ar, b0, acc[r][0]);
      acc[r][1] = _mm256_fmadd_ps(ar, b1, acc[r][1]);
    }
  }
  TILE_LOOP(r, Y_MR) {
    for (int h = 0; h < 2; h++) {
      float *cr = c + r * ldc + 8 * h;
      __m256 v = load_c ? _mm256_add_ps(_mm256_loadu_ps(cr), acc[r][h]) : acc[r][h];
      if (bias) v = _mm256_add_ps(v, _mm256_loadu_ps(bias + 8 * h));
      _mm256_storeu_ps(cr, v);
    }
  }
}
#endif

#if defined(__aarch64__)
// NEON, 8 x 8: 16 of the 32 q registers as accumulators.
enum { N_MR = 8, N_NR = 8 };
static void kernel_neon(long kc, const float *pa, const float *pb, long ldb, float *c, long ldc, int load_c,
                        const float *bias) {
  float32x4_t acc[N_MR][2];
  TILE_LOOP(r, N_MR) acc[r][0] = acc[r][1] = vdupq_n_f32(0);
  for (long k = 0; k < kc; k++, pa += N_MR, pb += ldb) {
    float32x4_t b0 = vld1q_f32(pb), b1 = vld1q_f32(pb + 4);
    TILE_LOOP(r, N_MR) {
      float32x4_t ar = vld1q_dup_f32(pa + r);
      acc[r][0] = vfmaq_f32(acc[r][0], ar, b0);
      acc[r][1] = vfmaq_f32(acc[r][1], ar, b1);
    }
  }
  TILE_LOOP(r, N_MR) {
    for (int h = 0; h < 2; h++) {
      float *cr = c + r * ldc + 4 * h;
      float32x4_t v = load_c ? vaddq_f32(vld1q_f32(cr), acc[r][h]) : acc[r][h];
      if (bias) v = vaddq_f32(v, vld1q_f32(bias + 4 * h));
      vst1q_f32(cr, v);
    }
  }
}
#endif

// Best first; the portable path last, always present.
static const struct isa ISAS[] = {
#if defined(__x86_64__)
    {"avx512", Z_MR, Z_NR, kernel_avx512},
    {"avx2", Y_MR, Y_NR, kernel_avx2},
#endif
#if defined(__aarch64__)
    {"neon", N_MR, N_NR, kernel_neon},
#endif
    {"portable", P_MR, P_NR, kernel_portable},
};

static int supported(const struct isa *isa) {
#if defined(__x86_64__)
  if (isa->kernel == kernel_avx512) return __builtin_cpu_supports("avx512f");
  if (isa->kernel == kernel_avx2) return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#endif
  return 1; // portable, and NEON (part of every aarch64 CPU)
}

const struct isa *isa_named(const char *name) {
  for (size_t i = 0; i < sizeof ISAS / sizeof ISAS[0]; i++)
    if (strcmp(ISAS[i].name, name) == 0) return supported(&ISAS[i]) ? &ISAS[i] : NULL;
  return NULL;
}

const struct isa *isa_best(void) {
  size_t i = 0;
  while (!supported(&ISAS[i])) i++;
  return &ISAS[i];
}

static long min(long x, long y) { return x < y ? x : y; }

// Packs `lanes` lanes (rows of A, or columns of B) of kc values each into panels of w lanes,
// k-major, zero-padded to whole panels: dst[p][k][l] = src[(p w + l) ls + k ks].
static void pack(float *dst, const float *src, long ls, long ks, long lanes, long kc, int w) {
  for (long p = 0; p < lanes; p += w, dst += kc * w) {
    const long n = min(w, lanes - p);
    if (ls == 1) { // lanes contiguous: a short vector copy per k (a memcpy call costs more)
      for (long k = 0; k < kc; k++) {
        const float *s = src + p + k * ks;
        float *d = dst + k * w;
        if (n == w)
          for (long l = 0; l < w; l++) d[l] = s[l];
        else
          for (long l = 0; l < w; l++) d[l] = l < n ? s[l] : 0;
      }
      continue;
    }
    for (long l = 0; l < w; l++) {
      const float *s = src + (p + l) * ls;
      for (long k = 0; k < kc; k++) dst[k * w + l] = l < n ? s[k * ks] : 0;
    }
  }
}

// out (M, N) = accumulate ? out : 0, plus bias on every row: the product of an empty K.
static void fill(float *out, long M, long N, int accumulate, const float *bias) {
  for (long i = 0; i < M; i++)
    for (long j = 0; j < N; j++) {
      float v = accumulate ? out[i * N + j] : 0;
      out[i * N + j] = bias ? v + bias[j] : v;
    }
}

void matmul(const struct isa *isa, float *out, const float *a, const float *b, long M, long K, long N, long aLs,
            long aKs, long bLs, long bKs, int accumulate, const float *bias, const struct epilogue *then) {
  if (M <= 0 || N <= 0) return;
  // With no out, the epilogue alone takes the result, a block at a time from scratch: one block of
  // rows, or the whole result when its partial sums must wait for a later K block.
  float *whole = !out && (K <= 0 || K > KC) ? aligned_alloc(64, sizeof(float) * (M * N + 15) / 16 * 16) : NULL;
  if (!out) accumulate = 0; // nothing to add to
  if (whole) out = whole;
  if (K <= 0) {
    fill(out, M, N, accumulate, bias);
    if (then) then->fn(then, out, N, 0, 0, M, N);
    free(whole);
    return;
  }
  const int mr = isa->mr, nr = isa->nr;
  const long mc_max = MC / mr * mr;
  const int in_place = bLs == 1 && M <= IN_PLACE_MAX_M;
  float *pa = aligned_alloc(64, sizeof(float) * mc_max * KC);
  float *pb = aligned_alloc(64, sizeof(float) * NC * KC);
  float *scratch = out ? NULL : aligned_alloc(64, sizeof(float) * mc_max * NC);
  float tile[MAX_TILE] __attribute__((aligned(64)));
  for (long jc = 0; jc < N; jc += NC) {
    const long nc = min(NC, N - jc);
    for (long pc = 0; pc < K; pc += KC) {
      const long kc = min(KC, K - pc);
      const int load_c = accumulate || pc > 0;
      const float *last_bias = bias && pc + kc == K ? bias + jc : NULL; // added once, after the sum
      const float *bblock = b + jc * bLs + pc * bKs;
      const long full = in_place ? nc / nr * nr : 0; // columns read in place; the rest is packed
      pack(pb + full * kc, bblock + full * bLs, bLs, bKs, nc - full, kc, nr);
      for (long ic = 0; ic < M; ic += mc_max) {
        const long mc = min(mc_max, M - ic);
        pack(pa, a + ic * aLs + pc * aKs, aLs, aKs, mc, kc, mr);
        for (long ir = 0; ir < mc; ir += mr) {
          const long mm = min(mr, mc - ir);
          for (long jr = 0; jr < nc; jr += nr) {
            const float *pbj = jr < full ? bblock + jr : pb + jr * kc;
            const long ldb = jr < full ? bKs : nr;
            const long nn = min(nr, nc - jr);
            const long ldc = out ? N : nc;
            float *c = out ? out + (ic + ir) * N + jc + jr : scratch + ir * nc + jr;
            const float *tile_bias = last_bias ? last_bias + jr : NULL;
            if (mm == mr && nn == nr) {
              isa->kernel(kc, pa + ir * kc, pbj, ldb, c, ldc, load_c, tile_bias);
              continue;
            }
            isa->kernel(kc, pa + ir * kc, pbj, ldb, tile, nr, 0, NULL);
            for (long i = 0; i < mm; i++)
              for (long j = 0; j < nn; j++) {
                float v = load_c ? c[i * ldc + j] + tile[i * nr + j] : tile[i * nr + j];
                c[i * ldc + j] = tile_bias ? v + tile_bias[j] : v;
              }
          }
        }
        // This block is final (its last K block is in) and was just written: still in L1/L2.
        if (then && pc + kc == K) then->fn(then, out ? out + ic * N + jc : scratch, out ? N : nc, ic, jc, mc, nc);
      }
    }
  }
  free(pa);
  free(pb);
  free(scratch);
  free(whole);
}
