// GotoBLAS/BLIS-style matmul. Loop nest: N in blocks of NC, (with many rows, chunks of rows each
// done over all of K: CHUNK_C below), K in blocks of KC (B's block packed once, up to 512 KB: in L2
// or close by), M in blocks of MC (A's block packed, 48 KB), then MR-tall
// panels of A (8 KB at MR 8: stays in L1 while B's panels stream from L2) and NR-wide panels of B,
// each pair one micro-kernel call on a register-resident MR x NR tile of C. (A 256 x 32 panel of B
// is all of a 32 KB L1, so keeping B's panel in L1 across A's instead, as BLIS does with narrower
// panels, measured slower on large shapes.) Packing zero-pads both operands to whole panels,
// so the micro-kernels have no edge cases; edge tiles of C go through a scratch tile. A momentum
// step (kernels.h) may take C's place: each micro-kernel updates its tile of w and v from its
// registers, so the weight gradient is never stored, and the update's loads and stores interleave
// with the next tiles' multiply-adds instead of following them in a pass of their own.
// Dimension legend: see kernels.h.
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
// With many rows and K in several blocks, each K block would read and write all of C again, from
// memory once C outgrows the caches (50,000 x 395 is 79 MB): rows are then taken in chunks of
// about 256 KB of C, each done over all of K before the next, and B's K blocks packed once for all
// chunks (when B packed is at most 8 MB; past that C is small next to it, as in x^T dy).
enum { CHUNK_C = 64 * 1024, PACKED_B_MAX = 2 * 1024 * 1024 }; // floats
enum { A_WHOLE_MAX = 4096 }; // rows of A packed at once (in matmul, where it pays)

#define TILE_LOOP(r, mr) _Pragma("GCC unroll 16") for (int r = 0; r < (mr); r++)

// The write-back of a rows x cols tile of sums t[r][j], each a float or a vector of floats (GCC's
// vector types, the intrinsics' included, take the same operators; here loaded and stored
// unaligned): g = [c +] t [+ bias], c being the tile's place in out (rows ldc apart, read when
// load_c); then c = g, or with m, m's step (MOMENTUM_STEP) on its w and v there from the gradient
// g, c left unwritten. With sq (a double, or NULL), c = g and *sq += the tile's sum of squares of g:
// squared and summed in float32 from the registers, across the tile row after row, lane by lane,
// then the lanes added to *sq in double in lane order (a fixed order: the same bits on every call).
// One definition for every ISA path's micro-kernel, from its accumulators, and for the tiles none
// stores itself (edge tiles, from a scratch tile): every path takes the same operations in the
// same order. The rows are unrolled, so that accumulators stay in registers; the columns are a
// loop, which vectorizes where t is floats (the plain store, the squares and the step apart, so
// that the store does); m is read through a copy the stores cannot alias.
#define WRITE_BACK(t, rows, cols, c, ldc, load_c, bias, m, sq)                                                        \
  do {                                                                                                                \
    typedef __typeof__((t)[0][0] + 0.0f) unaligned_ __attribute__((aligned(4), may_alias));                           \
    const long lanes_ = sizeof(unaligned_) / sizeof(float);                                                           \
    const struct momentum s_ = (m) ? *(m) : (struct momentum){0};                                                     \
    if (!(m) && !(sq)) {                                                                                              \
      TILE_LOOP(r_, rows) {                                                                                           \
        for (long j_ = 0; j_ < (cols); j_++)                                                                          \
          *(unaligned_ *)((c) + r_ * (ldc) + j_ * lanes_) = TILE_RESULT(t, r_, j_, c, ldc, load_c, bias);             \
      }                                                                                                               \
    } else if (!(m)) {                                                                                                \
      unaligned_ squares_ = {0};                                                                                      \
      TILE_LOOP(r_, rows) {                                                                                           \
        for (long j_ = 0; j_ < (cols); j_++) {                                                                        \
          unaligned_ out_ = TILE_RESULT(t, r_, j_, c, ldc, load_c, bias);                                             \
          *(unaligned_ *)((c) + r_ * (ldc) + j_ * lanes_) = out_;                                                     \
          squares_ = squares_ + out_ * out_;                                                                          \
        }                                                                                                             \
      }                                                                                                               \
      float lane_[sizeof(unaligned_) / sizeof(float)];                                                                \
      memcpy(lane_, &squares_, sizeof lane_);                                                                         \
      for (long l_ = 0; l_ < lanes_; l_++) *(sq) += lane_[l_];                                                        \
    } else {                                                                                                          \
      TILE_LOOP(r_, rows) {                                                                                           \
        for (long j_ = 0; j_ < (cols); j_++) {                                                                        \
          unaligned_ *wp_ = (unaligned_ *)(s_.w + r_ * s_.ldw + j_ * lanes_);                                         \
          unaligned_ *vp_ = (unaligned_ *)(s_.v + r_ * s_.ldw + j_ * lanes_);                                         \
          unaligned_ w_ = *wp_, v_ = *vp_;                                                                            \
          MOMENTUM_STEP(w_, v_, TILE_RESULT(t, r_, j_, c, ldc, load_c, bias), &s_);                                   \
          *vp_ = v_;                                                                                                  \
          *wp_ = w_;                                                                                                  \
        }                                                                                                             \
      }                                                                                                               \
    }                                                                                                                 \
  } while (0)
// g of WRITE_BACK's element (r, j), in its vector type unaligned_ of lanes_ floats.
#define TILE_RESULT(t, r, j, c, ldc, load_c, bias)                                                                    \
  ({                                                                                                                  \
    unaligned_ g_ = (t)[r][j];                                                                                        \
    if (load_c) g_ = *(const unaligned_ *)((c) + (r) * (ldc) + (j) * lanes_) + g_;                                    \
    if (bias) g_ = g_ + *(const unaligned_ *)((bias) + (j) * lanes_);                                                 \
    g_;                                                                                                               \
  })

// Portable C: fixed-size loops that the compiler unrolls and vectorizes for the baseline ISA.
enum { P_MR = 4, P_NR = 16 };
static void kernel_portable(long kc, const float *pa, const float *pb, long ldb, float *c, long ldc, int load_c,
                            const float *bias, const struct momentum *m, double *sq) {
  float acc[P_MR][P_NR] = {{0}};
  for (long k = 0; k < kc; k++, pa += P_MR, pb += ldb) {
    TILE_LOOP(r, P_MR) {
      for (int j = 0; j < P_NR; j++) acc[r][j] += pa[r] * pb[j];
    }
  }
  WRITE_BACK(acc, P_MR, P_NR, c, ldc, load_c, bias, m, sq);
}

#if defined(__x86_64__)
// AVX-512F, 8 x 32: 16 zmm accumulators, per k two loads of B and 8 broadcasts of A (folded into
// the FMAs as memory operands) for 16 FMAs. 8 rows fit batches of 16 and 128 without padding.
// The body serves H halves of 16 columns: H = 2 the tile, H = 1 a half tile for a last panel of B
// at most 16 wide (the first half of the packed panel), so that a ragged N (395 = 12 x 32 + 11)
// does not multiply a whole panel of padding.
enum { Z_MR = 8, Z_NR = 32 };
__attribute__((target("avx512f"), always_inline)) static inline void
tile_avx512(int H, long kc, const float *pa, const float *pb, long ldb, float *c, long ldc, int load_c,
            const float *bias, const struct momentum *m, double *sq) {
  __m512 acc[Z_MR][2];
  TILE_LOOP(r, Z_MR) acc[r][0] = acc[r][1] = _mm512_setzero_ps();
  for (long k = 0; k < kc; k++, pa += Z_MR, pb += ldb) {
    __m512 b0 = _mm512_loadu_ps(pb), b1 = H == 2 ? _mm512_loadu_ps(pb + 16) : b0;
    TILE_LOOP(r, Z_MR) {
      __m512 ar = _mm512_set1_ps(pa[r]);
      acc[r][0] = _mm512_fmadd_ps(ar, b0, acc[r][0]);
      if (H == 2) acc[r][1] = _mm512_fmadd_ps(ar, b1, acc[r][1]);
    }
  }
  WRITE_BACK(acc, Z_MR, H, c, ldc, load_c, bias, m, sq);
}
__attribute__((target("avx512f"))) static void kernel_avx512(long kc, const float *pa, const float *pb, long ldb,
                                                             float *c, long ldc, int load_c, const float *bias,
                                                             const struct momentum *m, double *sq) {
  tile_avx512(2, kc, pa, pb, ldb, c, ldc, load_c, bias, m, sq);
}
__attribute__((target("avx512f"))) static void half_avx512(long kc, const float *pa, const float *pb, long ldb,
                                                           float *c, long ldc, int load_c, const float *bias,
                                                           const struct momentum *m, double *sq) {
  tile_avx512(1, kc, pa, pb, ldb, c, ldc, load_c, bias, m, sq);
}

// AVX2 + FMA, 6 x 16: the classic tile, 12 of the 16 ymm registers as accumulators; H as above, in
// halves of 8 columns.
enum { Y_MR = 6, Y_NR = 16 };
__attribute__((target("avx2,fma"), always_inline)) static inline void
tile_avx2(int H, long kc, const float *pa, const float *pb, long ldb, float *c, long ldc, int load_c,
          const float *bias, const struct momentum *m, double *sq) {
  __m256 acc[Y_MR][2];
  TILE_LOOP(r, Y_MR) acc[r][0] = acc[r][1] = _mm256_setzero_ps();
  for (long k = 0; k < kc; k++, pa += Y_MR, pb += ldb) {
    __m256 b0 = _mm256_loadu_ps(pb), b1 = H == 2 ? _mm256_loadu_ps(pb + 8) : b0;
    TILE_LOOP(r, Y_MR) {
      __m256 ar = _mm256_broadcast_ss(pa + r);
      acc[r][0] = _mm256_fmadd_ps(ar, b0, acc[r][0]);
      if (H == 2) acc[r][1] = _mm256_fmadd_ps(ar, b1, acc[r][1]);
    }
  }
  WRITE_BACK(acc, Y_MR, H, c, ldc, load_c, bias, m, sq);
}
__attribute__((target("avx2,fma"))) static void kernel_avx2(long kc, const float *pa, const float *pb, long ldb,
                                                            float *c, long ldc, int load_c, const float *bias,
                                                            const struct momentum *m, double *sq) {
  tile_avx2(2, kc, pa, pb, ldb, c, ldc, load_c, bias, m, sq);
}
__attribute__((target("avx2,fma"))) static void half_avx2(long kc, const float *pa, const float *pb, long ldb,
                                                          float *c, long ldc, int load_c, const float *bias,
                                                          const struct momentum *m, double *sq) {
  tile_avx2(1, kc, pa, pb, ldb, c, ldc, load_c, bias, m, sq);
}
#endif

#if defined(__aarch64__)
// NEON, 8 x 8: 16 of the 32 q registers as accumulators.
enum { N_MR = 8, N_NR = 8 };
static void kernel_neon(long kc, const float *pa, const float *pb, long ldb, float *c, long ldc, int load_c,
                        const float *bias, const struct momentum *m, double *sq) {
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
  WRITE_BACK(acc, N_MR, 2, c, ldc, load_c, bias, m, sq);
}
#endif

// Best first; the portable path last, always present.
static const struct isa ISAS[] = {
#if defined(__x86_64__)
    {"avx512", Z_MR, Z_NR, kernel_avx512, half_avx512},
    {"avx2", Y_MR, Y_NR, kernel_avx2, half_avx2},
#endif
#if defined(__aarch64__)
    {"neon", N_MR, N_NR, kernel_neon, NULL}, // 8 wide: a ragged N pads 7 columns at most
#endif
    {"portable", P_MR, P_NR, kernel_portable, NULL},
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
// k-major, zero-padded to whole panels: dst[p][k][l] = src[(p w + l) ls + k ks]. Lanes contiguous
// (ls = 1): each k's lanes read in order, a short vector copy per panel (a memcpy call costs more).
static void pack_lanes(float *dst, const float *src, long ks, long lanes, long kc, int w) {
  for (long k = 0; k < kc; k++)
    for (long p = 0; p < lanes; p += w) {
      const long n = min(w, lanes - p);
      const float *s = src + p + k * ks;
      float *d = dst + p * kc + k * w;
      if (n == w)
        for (long l = 0; l < w; l++) d[l] = s[l];
      else
        for (long l = 0; l < w; l++) d[l] = l < n ? s[l] : 0;
    }
}
// Four floats, loaded and stored unaligned (GCC's and Clang's generic vectors: SSE on x86-64, NEON
// on aarch64).
typedef float f32x4 __attribute__((vector_size(16), aligned(4), may_alias));

// Lanes apart (ls > 1), a lane at a time, its kc values ks apart. With k contiguous (ks = 1: the
// rows of a row-major a in a b and a b^T, and of b in a b^T), 4 lanes x 4 k at a time, transposed
// in registers: each lane's 4 values one load, each k's 4 lanes one store (one value at a time,
// this pack was a third of a b^T at 128 x 784 x 128).
static void pack_strided(float *dst, const float *src, long ls, long ks, long lanes, long kc, int w) {
  for (long p = 0; p < lanes; p += w, dst += kc * w) {
    const long n = min(w, lanes - p);
    long l = 0;
    for (; ks == 1 && l + 4 <= n; l += 4) {
      const float *s = src + (p + l) * ls;
      long k = 0;
      for (; k + 4 <= kc; k += 4) {
        const f32x4 r0 = *(const f32x4 *)(s + k), r1 = *(const f32x4 *)(s + ls + k);
        const f32x4 r2 = *(const f32x4 *)(s + 2 * ls + k), r3 = *(const f32x4 *)(s + 3 * ls + k);
        const f32x4 t0 = __builtin_shufflevector(r0, r1, 0, 4, 1, 5), t1 = __builtin_shufflevector(r0, r1, 2, 6, 3, 7);
        const f32x4 t2 = __builtin_shufflevector(r2, r3, 0, 4, 1, 5), t3 = __builtin_shufflevector(r2, r3, 2, 6, 3, 7);
        *(f32x4 *)(dst + k * w + l) = __builtin_shufflevector(t0, t2, 0, 1, 4, 5);
        *(f32x4 *)(dst + (k + 1) * w + l) = __builtin_shufflevector(t0, t2, 2, 3, 6, 7);
        *(f32x4 *)(dst + (k + 2) * w + l) = __builtin_shufflevector(t1, t3, 0, 1, 4, 5);
        *(f32x4 *)(dst + (k + 3) * w + l) = __builtin_shufflevector(t1, t3, 2, 3, 6, 7);
      }
      for (; k < kc; k++)
        for (long i = 0; i < 4; i++) dst[k * w + l + i] = s[i * ls + k];
    }
    for (; l < w; l++) {
      const float *s = src + (p + l) * ls;
      for (long k = 0; k < kc; k++) dst[k * w + l] = l < n ? s[k * ks] : 0;
    }
  }
}
// Either, by the lanes' stride.
static void pack(float *dst, const float *src, long ls, long ks, long lanes, long kc, int w) {
  if (ls == 1)
    pack_lanes(dst, src, ks, lanes, kc, w);
  else
    pack_strided(dst, src, ls, ks, lanes, kc, w);
}

float *alloc_floats(size_t n, const char *what, struct alloc_failure *failed) {
  const size_t bytes = 64 * (n > 0 ? (n + 15) / 16 : 1); // aligned_alloc(64, 0) may return NULL
  float *p = aligned_alloc(64, bytes);
  if (!p && !failed->what) *failed = (struct alloc_failure){what, bytes};
  return p;
}

struct alloc_failure matmul(const struct isa *isa, float *out, const float *a, const float *b, long M, long K,
                            long N, long aLs, long aKs, long bLs, long bKs, int accumulate, const float *bias,
                            const struct momentum *mom, double *sumsq) {
  struct alloc_failure failed = {0};
  if (sumsq) *sumsq = 0;
  if (M <= 0 || N <= 0) return failed;
  // With a momentum step, out holds the gradient's partial sums when they must wait for a later K
  // block, and is not needed otherwise.
  float *partial = mom && K > KC ? alloc_floats(M * N, "the weight gradient's partial sums", &failed) : NULL;
  if (mom) out = partial, accumulate = 0;
  const int mr = isa->mr, nr = isa->nr;
  const long mc_max = MC / mr * mr;
  const int in_place = bLs == 1 && M <= IN_PLACE_MAX_M;
  const long wide = (min(NC, N) + nr - 1) / nr * nr; // the widest block of B, packed
  const long chunk = CHUNK_C / wide / mc_max * mc_max;
  const int chunked = K > KC && M > chunk && K * wide <= PACKED_B_MAX;
  const long rows = chunked ? chunk : M;
  // A with contiguous lanes (x^T of x^T dy, each row of x one k's lanes) and K in several blocks
  // (x streams from memory) is packed a chunk of rows at once, each row of x read once, in order.
  // Packed per block of rows, each row would be read in 48-lane pieces, a row apart: a pattern the
  // hardware prefetchers do not follow (the weight gradient of a 50,000-row batch was 20-30% slower).
  const int a_whole = aLs == 1 && K > KC && rows <= A_WHOLE_MAX;
  float *pa = alloc_floats((a_whole ? (rows + mr - 1) / mr * mr : mc_max) * KC, "A's packed panels", &failed);
  float *pb = alloc_floats(chunked ? K * wide : NC * KC, "B's packed panels", &failed);
  float tile[MAX_TILE] __attribute__((aligned(64)));
  for (long jc = 0; jc < N && !failed.what; jc += NC) {
    const long nc = min(NC, N - jc);
    const long full = in_place ? nc / nr * nr : 0; // columns read in place; the rest is packed
    for (long i0 = 0; i0 < M; i0 += rows) {
      // With K = 0, one empty block: its write-back stores [c +] 0 [+ bias], or the step from it.
      for (long pc = 0; pc < K || pc == 0; pc += KC) {
        const long kc = min(KC, K - pc);
        const int load_c = accumulate || pc > 0;
        const int last = pc + kc == K; // the sums are final: the bias and the step come in
        const float *last_bias = bias && last ? bias + jc : NULL;
        const float *bblock = b + jc * bLs + pc * bKs;
        float *pbk = chunked ? pb + pc * wide : pb; // this K block of B, packed
        if (!chunked || i0 == 0) pack(pbk + full * kc, bblock + full * bLs, bLs, bKs, nc - full, kc, nr);
        if (a_whole) pack(pa, a + i0 * aLs + pc * aKs, aLs, aKs, min(rows, M - i0), kc, mr);
        for (long ic = i0; ic < min(M, i0 + rows); ic += mc_max) {
          const long mc = min(mc_max, M - ic);
          const float *pai = a_whole ? pa + (ic - i0) * kc : pa; // this block of rows, packed
          if (!a_whole) pack(pa, a + ic * aLs + pc * aKs, aLs, aKs, mc, kc, mr);
          for (long ir = 0; ir < mc; ir += mr) {
            const long mm = min(mr, mc - ir);
            for (long jr = 0; jr < nc; jr += nr) {
              const float *pbj = jr < full ? bblock + jr : pbk + jr * kc;
              const long ldb = jr < full ? bKs : nr;
              const long nn = min(nr, nc - jr);
              const int half = nn <= nr / 2 && isa->half; // a last panel at most half wide
              const micro_kernel kernel = half ? isa->half : isa->kernel;
              const long corner = (ic + ir) * N + jc + jr;
              float *c = out ? out + corner : NULL;
              const float *tile_bias = last_bias ? last_bias + jr : NULL;
              struct momentum step;
              if (mom && last) step = *mom, step.w += corner, step.v += corner;
              const struct momentum *m = mom && last ? &step : NULL;
              double *sq = last ? sumsq : NULL; // the sums are the result's from the last K block on
              if (mm == mr && nn == (half ? nr / 2 : nr)) {
                kernel(kc, pai + ir * kc, pbj, ldb, c, N, load_c, tile_bias, m, sq);
              } else {
                kernel(kc, pai + ir * kc, pbj, ldb, tile, nr, 0, NULL, NULL, NULL);
                const float(*t)[nr] = (const float(*)[nr])tile; // rows nr apart
                WRITE_BACK(t, mm, nn, c, N, load_c, tile_bias, m, sq);
              }
            }
          }
        }
      }
    }
  }
  free(pa);
  free(pb);
  free(partial);
  return failed;
}
