// The native kernels, plain C over the callers' float buffers (addon.c passes the Float32Arrays'
// memory in place). Every kernel is single-threaded and sums in a fixed order, so its bits depend
// only on its inputs and on the ISA path.
//
// Dimension legend, of every kernel in this package: these, and the TypeScript interface all three
// kernel sets implement (src/kernels/kernels.ts, the same kernels in camelCase: sum_rows is
// sumRows). M = rows of out (of x for sum_rows), N = columns of out and x, K = the summed (inner)
// dimension; B = rows (batch) of a row-wise kernel (softmax, cross_entropy); n = elements of one
// parameter (optimizers) or activation (elementwise kernels); a gathered batch (gather_rows) is
// size rows of width floats, from a set of rows rows.
#ifndef ABLATE_KERNELS_H
#define ABLATE_KERNELS_H

#include <stddef.h>
#include <stdint.h>

// Loops of float arithmetic the compiler vectorizes are also built for AVX2 and AVX-512, chosen at
// load; the bits do not change with the ISA: the build contracts no a * b + c into an FMA
// (-ffp-contract=off) and vectorizes no reduction, so every element gets the same IEEE operations.
#if defined(__x86_64__)
#define CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define CLONES
#endif

// The momentum step: v = mu v + c g, then w -= lr v, or with nesterov w -= lr (c g + mu v). One
// definition for a float and for a vector of them (GCC's vector types, the intrinsics' included,
// take the same operators, a scalar operand broadcast), each operation rounded on its own
// (-ffp-contract=off): momentum_update's loop and every micro-kernel's write-back give the same bits.
#define MOMENTUM_STEP(w, v, g, m)                                                                                  \
  do {                                                                                                             \
    __typeof__(g) cg_ = (m)->c * (g);                                                                              \
    (v) = (m)->mu * (v) + cg_;                                                                                     \
    if ((m)->nesterov)                                                                                             \
      (w) = (w) - (m)->lr * (cg_ + (m)->mu * (v));                                                                 \
    else                                                                                                           \
      (w) = (w) - (m)->lr * (v);                                                                                   \
  } while (0)

// A momentum step whose gradient is a matmul's result, taken by the micro-kernel from its registers
// as it would store the tile: w and v are (M, N) like the result, ldw apart (within a micro-kernel
// call, they start at the tile's corner).
struct momentum {
  float *w, *v;
  long ldw;
  float lr, mu, c;
  int nesterov;
};

// A register-blocked micro-kernel: the MR x NR tile c = [c +] sum_k pa[k] (x) pb[k] [+ bias], from
// A packed as kc columns of MR values and B as kc rows of NR values, ldb apart. With m, the tile
// is the gradient of m's step instead, and c is read (load_c) but not written. With sq, the
// tile's sum of squares is added to *sq as it is stored (matmul.c's WRITE_BACK says in what order).
typedef void (*micro_kernel)(long kc, const float *pa /* (kc, MR) */, const float *pb /* (kc, NR), rows ldb apart */,
                             long ldb, float *c /* (MR, NR), rows ldc apart */, long ldc, int load_c,
                             const float *bias /* (NR) or NULL */, const struct momentum *m /* or NULL */,
                             double *sq /* (1) or NULL */);

// One ISA path: its micro-kernel and tile. The tables are static const: the only state shared
// between threads, and immutable.
struct isa {
  const char *name; // "avx512", "avx2", "neon" or "portable"
  int mr, nr;
  micro_kernel kernel;
  micro_kernel half; // MR x NR/2, for a last panel of B at most that wide; or NULL
};

// The best path this CPU runs, or the one named (NULL if this build or CPU lacks it).
const struct isa *isa_best(void);
const struct isa *isa_named(const char *name);

// What a kernel could not allocate, for its caller to report (what is NULL when nothing failed).
struct alloc_failure {
  const char *what;
  size_t bytes;
};

// n floats, 64-byte aligned (a cache line, and the widest vector), rounded up to whole lines (an
// aligned_alloc size is a multiple of the alignment); NULL if that fails, and then *failed names
// what and the bytes asked, unless it names an earlier failure already.
float *alloc_floats(size_t n, const char *what, struct alloc_failure *failed);

// out = A B (+= with accumulate) + bias on every row, with A[i][k] = a[i aLs + k aKs] and
// B[k][j] = b[j bLs + k bKs]: the three forms a b, a^T b and a b^T differ only in the strides.
// With mom, the result is instead the gradient of mom's step, never stored: out is NULL. With
// sumsq (and no mom), *sumsq = the sum of the squares of the result, taken tile by tile as it is
// stored (in the loops' fixed order, so the same inputs give the same bits): the gradient's share of
// a clipping norm at no extra pass. Returns what it could not allocate, if anything; out, or mom's w
// and v, are then left as they were.
struct alloc_failure matmul(const struct isa *isa, float *out /* (M, N) or NULL */,
                            const float *a /* A (M, K) read through aLs, aKs */,
                            const float *b /* B (K, N) read through bLs, bKs */, long M, long K, long N, long aLs,
                            long aKs, long bLs, long bKs, int accumulate, const float *bias /* (N) or NULL */,
                            const struct momentum *mom /* w, v (M, N), or NULL */, double *sumsq /* (1) or NULL */);

// elementwise.c
void relu_forward(float *out /* (n) */, const float *x /* (n) */, long n);
void relu_backward(float *dx /* (n) */, const float *dout /* (n) */, const float *a /* (n) */, long n);
void sum_rows(float *out /* (N) */, const float *x /* (M, N) */, long M, long N, int accumulate);
void sigmoid_forward(float *out /* (n) */, const float *x /* (n) */, long n);
void sigmoid_backward(float *dx /* (n) */, const float *dout /* (n) */, const float *out /* (n) */, long n);
void tanh_forward(float *out /* (n) */, const float *x /* (n) */, long n);
void tanh_backward(float *dx /* (n) */, const float *dout /* (n) */, const float *out /* (n) */, long n);
void softmax_forward(float *out /* (B, N) */, const float *x /* (B, N) */, long B, long N);
void softmax_backward(float *dx /* (B, N) */, const float *dout /* (B, N) */, const float *out /* (B, N) */,
                      long B, long N);
double cross_entropy(const float *z /* (B, N) */, const float *y /* (B, N) */, long B, long N);
double bce(const float *z /* (n) */, const float *y /* (n) */, long n);
void fused_loss_backward(float *dz /* (n) */, const float *a /* (n) */, const float *y /* (n) */, float scale,
                         long n);

// gather.c: dst row i = src row order[i], for size rows of width floats (order lists `listed`).
void gather_rows(float *dst /* (size, width) */, const float *src /* (rows, width) */,
                 const int32_t *order /* (listed) */, long size, long listed, long width);

// regularize.c
void dropout_mask(float *mask /* (n) */, uint32_t *state /* (4) */, long n, double threshold, float kept);
void dropout_forward(float *out /* (n) */, const float *x /* (n) */, const float *mask /* (n) */, long n);
void dropout_backward(float *dx /* (n) */, const float *dout /* (n) */, const float *mask /* (n) */, long n);
void batch_norm_forward(float *out /* (B, N) */, float *mean /* (N) */, float *rstd /* (N) */,
                        const float *x /* (B, N) */, const float *gamma /* (N) */, const float *beta /* (N) */, long B,
                        long N, float eps);
void batch_norm_apply(float *out /* (B, N) */, const float *x /* (B, N) */, const float *mean /* (N) */,
                      const float *rstd /* (N) */, const float *gamma /* (N) */, const float *beta /* (N) */, long B,
                      long N);
// Returns what it could not allocate (its column sums), if anything; dx, dgamma, dbeta are then untouched.
struct alloc_failure batch_norm_backward(float *dx /* (B, N) */, float *dgamma /* (N) */, float *dbeta /* (N) */,
                                         const float *dout /* (B, N) */, const float *x /* (B, N) */,
                                         const float *mean /* (N) */, const float *rstd /* (N) */,
                                         const float *gamma /* (N) */, long B, long N);

// optim.c: each from the gradient scale g (a clipped one; 1 when not clipping)
void momentum_update(float *w /* (n) */, const float *g /* (n) */, float *v /* (n) */, long n, float lr,
                     float mu, float c, int nesterov, float scale);
void adagrad_update(float *w /* (n) */, const float *g /* (n) */, float *s /* (n) */, long n, float lr,
                    float eps, float keep, float add, float scale);
void adam_update(float *w /* (n) */, const float *g /* (n) */, float *m /* (n) */, float *v /* (n) */, long n,
                 float lr, float beta1, float add1, float beta2, float add2, float eps, float c1, float c2,
                 float scale);

#endif
