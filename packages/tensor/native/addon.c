// Node-API glue: each kernel reads and writes the callers' Float32Arrays in place (no copy), after
// checking that every array is long enough for the shapes given. `load(isa?)` returns the kernel
// set of the best ISA path this CPU runs, or of the one named. The module keeps no state (the ISA
// tables are static const), so every worker thread may load it (NAPI_MODULE_INIT is
// context-aware).
// Dimension legend: see kernels.h.
#include <node_api.h>
#include <stdint.h>
#include <stdio.h>

#include "kernels.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

// Flush-to-zero and denormals-are-zero for the duration of one call: no kernel computes on a
// denormal (each costs a microcode assist), while JavaScript, after the call, keeps IEEE
// semantics.
#if defined(__x86_64__)
typedef unsigned fp_mode;
static fp_mode fp_enter(void) {
  fp_mode old = _mm_getcsr();
  _mm_setcsr(old | 0x8000 /* FTZ */ | 0x0040 /* DAZ */);
  return old;
}
static void fp_exit(fp_mode old) { _mm_setcsr(old); }
#elif defined(__aarch64__)
typedef uint64_t fp_mode;
static fp_mode fp_enter(void) {
  fp_mode old;
  __asm__ volatile("mrs %0, fpcr" : "=r"(old));
  __asm__ volatile("msr fpcr, %0" : : "r"(old | (1ull << 24) /* FZ */));
  return old;
}
static void fp_exit(fp_mode old) { __asm__ volatile("msr fpcr, %0" : : "r"(old)); }
#else
typedef int fp_mode;
static fp_mode fp_enter(void) { return 0; }
static void fp_exit(fp_mode old) { (void)old; }
#endif

enum { MAX_ARGS = 11 };

// The arguments of one call; the first failed check throws and sets failed, the rest then no-op.
struct args {
  napi_env env;
  napi_value argv[MAX_ARGS];
  size_t argc;
  void *data;
  int failed;
};

static struct args read_args(napi_env env, napi_callback_info info) {
  struct args r = {env, {0}, MAX_ARGS, NULL, 0};
  if (napi_get_cb_info(env, info, &r.argc, r.argv, NULL, &r.data) != napi_ok) r.failed = 1;
  return r;
}

static void fail(struct args *r, size_t i, const char *what) {
  if (r->failed) return;
  char message[96];
  snprintf(message, sizeof message, "ablate native kernels: argument %zu must be %s", i, what);
  napi_throw_type_error(r->env, NULL, message);
  r->failed = 1;
}

static int is_undefined(struct args *r, size_t i) {
  napi_valuetype type = napi_undefined;
  if (i < r->argc) napi_typeof(r->env, r->argv[i], &type);
  return type == napi_undefined;
}

// Argument i as the memory of a typed array of the given type (named `what` in errors) and at least
// `need` elements; its length in *length.
static void *typed_array(struct args *r, size_t i, napi_typedarray_type want, const char *what, size_t need,
                         size_t *length) {
  napi_typedarray_type type;
  size_t n = 0;
  void *data = NULL;
  if (r->failed) return NULL;
  if (i >= r->argc || napi_get_typedarray_info(r->env, r->argv[i], &type, &n, &data, NULL, NULL) != napi_ok ||
      type != want)
    return fail(r, i, what), NULL;
  if (n < need) return fail(r, i, "long enough for the shape given"), NULL;
  if (length) *length = n;
  return data;
}

static float *array(struct args *r, size_t i, size_t need, size_t *length) {
  return typed_array(r, i, napi_float32_array, "a Float32Array", need, length);
}

static double number(struct args *r, size_t i) {
  double v = 0;
  if (!r->failed && (i >= r->argc || napi_get_value_double(r->env, r->argv[i], &v) != napi_ok))
    fail(r, i, "a number");
  return v;
}

// A dimension: a whole number >= 0.
static long dim(struct args *r, size_t i) {
  double v = number(r, i);
  if (!(v >= 0 && v == (long)v)) fail(r, i, "a whole number >= 0");
  return (long)v;
}

static int flag(struct args *r, size_t i) {
  bool v = false;
  if (!r->failed && !is_undefined(r, i) && napi_get_value_bool(r->env, r->argv[i], &v) != napi_ok)
    fail(r, i, "a boolean");
  return v;
}

// Throws an Error naming what a kernel could not allocate, when it could not.
static void throw_if_failed(napi_env env, const char *kernel, struct alloc_failure failed) {
  if (!failed.what) return;
  char message[160];
  snprintf(message, sizeof message, "ablate native kernels: %s could not allocate %zu bytes for %s", kernel,
           failed.bytes, failed.what);
  napi_throw_error(env, NULL, message);
}

static napi_value double_result(napi_env env, double v) {
  napi_value out;
  napi_create_double(env, v, &out);
  return out;
}

// The three forms of matmul, as the inputs' strides [aLs, aKs, bLs, bKs] of A (M, K) and B (K, N).
enum form { AB, AtB, ABt };
static void form_strides(enum form form, long M, long K, long N, long s[4]) {
  const long strides[3][4] = {{K, 1, 1, N}, {1, M, 1, N}, {K, 1, K, 1}};
  for (int i = 0; i < 4; i++) s[i] = strides[form][i];
}

// matmul(out, a, b, M, K, N, form, accumulate, bias?): form 0 = a b, 1 = a^T b, 2 = a b^T.
static napi_value js_matmul(napi_env env, napi_callback_info info) {
  struct args r = read_args(env, info);
  long M = dim(&r, 3), K = dim(&r, 4), N = dim(&r, 5), form = dim(&r, 6);
  float *out = array(&r, 0, M * N, NULL);
  const float *a = array(&r, 1, M * K, NULL), *b = array(&r, 2, K * N, NULL);
  int accumulate = flag(&r, 7);
  const float *bias = is_undefined(&r, 8) ? NULL : array(&r, 8, N, NULL);
  if (form > 2) fail(&r, 6, "0, 1 or 2");
  if (r.failed) return NULL;
  long s[4];
  form_strides(form, M, K, N, s);
  fp_mode mode = fp_enter();
  struct alloc_failure failed = matmul(r.data, out, a, b, M, K, N, s[0], s[1], s[2], s[3], accumulate, bias, NULL, NULL);
  fp_exit(mode);
  throw_if_failed(env, "matmul", failed);
  return NULL;
}

// Elementwise kernels of one shape share a binding; the C function is the binding's data.
struct map_kernel { // (out, x)
  void (*fn)(float *, const float *, long);
};
struct backward_kernel { // (dx, dout, a)
  void (*fn)(float *, const float *, const float *, long);
};
struct rows_kernel { // (out, x, B, N)
  void (*fn)(float *, const float *, long, long);
};
struct rows_backward_kernel { // (dx, dout, out, B, N)
  void (*fn)(float *, const float *, const float *, long, long);
};
static const struct map_kernel RELU = {relu_forward}, SIGMOID = {sigmoid_forward}, TANH = {tanh_forward};
static const struct backward_kernel RELU_BACKWARD = {relu_backward}, SIGMOID_BACKWARD = {sigmoid_backward},
                                    TANH_BACKWARD = {tanh_backward};
// dropout(out, x, mask) has backward's shape: three arrays of n.
static const struct backward_kernel DROPOUT = {dropout_forward}, DROPOUT_BACKWARD = {dropout_backward};
static const struct rows_kernel SOFTMAX = {softmax_forward};
static const struct rows_backward_kernel SOFTMAX_BACKWARD = {softmax_backward};

static napi_value js_map(napi_env env, napi_callback_info info) {
  struct args r = read_args(env, info);
  size_t n = 0;
  const float *x = array(&r, 1, 0, &n);
  float *out = array(&r, 0, n, NULL);
  if (r.failed) return NULL;
  fp_mode mode = fp_enter();
  ((const struct map_kernel *)r.data)->fn(out, x, n);
  fp_exit(mode);
  return NULL;
}

static napi_value js_backward(napi_env env, napi_callback_info info) {
  struct args r = read_args(env, info);
  size_t n = 0;
  float *dx = array(&r, 0, 0, &n);
  const float *dout = array(&r, 1, n, NULL), *a = array(&r, 2, n, NULL);
  if (r.failed) return NULL;
  fp_mode mode = fp_enter();
  ((const struct backward_kernel *)r.data)->fn(dx, dout, a, n);
  fp_exit(mode);
  return NULL;
}

static napi_value js_rows(napi_env env, napi_callback_info info) {
  struct args r = read_args(env, info);
  long B = dim(&r, 2), N = dim(&r, 3);
  float *out = array(&r, 0, B * N, NULL);
  const float *x = array(&r, 1, B * N, NULL);
  if (r.failed) return NULL;
  fp_mode mode = fp_enter();
  ((const struct rows_kernel *)r.data)->fn(out, x, B, N);
  fp_exit(mode);
  return NULL;
}

static napi_value js_rows_backward(napi_env env, napi_callback_info info) {
  struct args r = read_args(env, info);
  long B = dim(&r, 3), N = dim(&r, 4);
  float *dx = array(&r, 0, B * N, NULL);
  const float *dout = array(&r, 1, B * N, NULL), *out = array(&r, 2, B * N, NULL);
  if (r.failed) return NULL;
  fp_mode mode = fp_enter();
  ((const struct rows_backward_kernel *)r.data)->fn(dx, dout, out, B, N);
  fp_exit(mode);
  return NULL;
}

// sumRows(out, x, M, N, accumulate)
static napi_value js_sum_rows(napi_env env, napi_callback_info info) {
  struct args r = read_args(env, info);
  long M = dim(&r, 2), N = dim(&r, 3);
  float *out = array(&r, 0, N, NULL);
  const float *x = array(&r, 1, M * N, NULL);
  int accumulate = flag(&r, 4);
  if (r.failed) return NULL;
  fp_mode mode = fp_enter();
  sum_rows(out, x, M, N, accumulate);
  fp_exit(mode);
  return NULL;
}

// crossEntropy(z, y, B, N): the summed (not averaged) loss of the rows.
static napi_value js_cross_entropy(napi_env env, napi_callback_info info) {
  struct args r = read_args(env, info);
  long B = dim(&r, 2), N = dim(&r, 3);
  const float *z = array(&r, 0, B * N, NULL), *y = array(&r, 1, B * N, NULL);
  if (r.failed) return NULL;
  fp_mode mode = fp_enter();
  double total = cross_entropy(z, y, B, N);
  fp_exit(mode);
  return double_result(env, total);
}

// bce(z, y): the summed loss.
static napi_value js_bce(napi_env env, napi_callback_info info) {
  struct args r = read_args(env, info);
  size_t n = 0;
  const float *z = array(&r, 0, 0, &n), *y = array(&r, 1, n, NULL);
  if (r.failed) return NULL;
  fp_mode mode = fp_enter();
  double total = bce(z, y, n);
  fp_exit(mode);
  return double_result(env, total);
}

// fusedLossBackward(dz, a, y, scale)
static napi_value js_fused_loss_backward(napi_env env, napi_callback_info info) {
  struct args r = read_args(env, info);
  size_t n = 0;
  float *dz = array(&r, 0, 0, &n);
  const float *a = array(&r, 1, n, NULL), *y = array(&r, 2, n, NULL);
  float scale = number(&r, 3);
  if (r.failed) return NULL;
  fp_mode mode = fp_enter();
  fused_loss_backward(dz, a, y, scale, n);
  fp_exit(mode);
  return NULL;
}

// momentum(w, g, v, lr, mu, c, nesterov, scale)
static napi_value js_momentum(napi_env env, napi_callback_info info) {
  struct args r = read_args(env, info);
  size_t n = 0;
  float *w = array(&r, 0, 0, &n), *v = array(&r, 2, n, NULL);
  const float *g = array(&r, 1, n, NULL);
  float lr = number(&r, 3), mu = number(&r, 4), c = number(&r, 5), scale = number(&r, 7);
  int nesterov = flag(&r, 6);
  if (r.failed) return NULL;
  fp_mode mode = fp_enter();
  momentum_update(w, g, v, n, lr, mu, c, nesterov, scale);
  fp_exit(mode);
  return NULL;
}

// matmulAtBMomentum(a, b, M, K, N, w, v, lr, mu, c, nesterov): momentum() on w and v from the
// gradient a^T b, each block of it applied as soon as it is computed, never stored.
static napi_value js_matmul_atb_momentum(napi_env env, napi_callback_info info) {
  struct args r = read_args(env, info);
  long M = dim(&r, 2), K = dim(&r, 3), N = dim(&r, 4);
  const float *a = array(&r, 0, M * K, NULL), *b = array(&r, 1, K * N, NULL);
  float *w = array(&r, 5, M * N, NULL), *v = array(&r, 6, M * N, NULL);
  float lr = number(&r, 7), mu = number(&r, 8), c = number(&r, 9);
  int nesterov = flag(&r, 10);
  if (r.failed) return NULL;
  const struct momentum step = {w, v, N, lr, mu, c, nesterov};
  long s[4];
  form_strides(AtB, M, K, N, s);
  fp_mode mode = fp_enter();
  struct alloc_failure failed = matmul(r.data, NULL, a, b, M, K, N, s[0], s[1], s[2], s[3], 0, NULL, &step, NULL);
  fp_exit(mode);
  throw_if_failed(env, "matmulAtBMomentum", failed);
  return NULL;
}

// matmulAtBSumSquares(out, a, b, M, K, N): out = a^T b; returns the sum of its squares, taken by the
// micro-kernels from their registers as they store it.
static napi_value js_matmul_atb_sum_squares(napi_env env, napi_callback_info info) {
  struct args r = read_args(env, info);
  long M = dim(&r, 3), K = dim(&r, 4), N = dim(&r, 5);
  float *out = array(&r, 0, M * N, NULL);
  const float *a = array(&r, 1, M * K, NULL), *b = array(&r, 2, K * N, NULL);
  if (r.failed) return NULL;
  long s[4];
  form_strides(AtB, M, K, N, s);
  double sumsq = 0;
  fp_mode mode = fp_enter();
  struct alloc_failure failed = matmul(r.data, out, a, b, M, K, N, s[0], s[1], s[2], s[3], 0, NULL, NULL, &sumsq);
  fp_exit(mode);
  throw_if_failed(env, "matmulAtBSumSquares", failed);
  return failed.what ? NULL : double_result(env, sumsq);
}

// gatherRows(dst, src, order, start, size, width): dst row i = src row order[start + i].
static napi_value js_gather_rows(napi_env env, napi_callback_info info) {
  struct args r = read_args(env, info);
  long start = dim(&r, 3), size = dim(&r, 4), width = dim(&r, 5);
  size_t rows = 0, listed = 0;
  float *dst = array(&r, 0, size * width, NULL);
  const float *src = array(&r, 1, 0, &rows);
  const int32_t *order = typed_array(&r, 2, napi_int32_array, "an Int32Array", start + size, &listed);
  if (r.failed) return NULL;
  rows = width > 0 ? rows / width : 0;
  for (long i = start; i < start + size; i++) // (a prefetch never faults: the rows past it need no check)
    if (order[i] < 0 || (size_t)order[i] >= rows) {
      fail(&r, 2, "row indices within src");
      return NULL;
    }
  gather_rows(dst, src, order + start, size, listed - start, width); // a copy: no floating-point mode
  return NULL;
}

// dropoutMask(mask, state, threshold, kept)
static napi_value js_dropout_mask(napi_env env, napi_callback_info info) {
  struct args r = read_args(env, info);
  size_t n = 0;
  float *mask = array(&r, 0, 0, &n);
  uint32_t *state = typed_array(&r, 1, napi_uint32_array, "a Uint32Array", 4, NULL);
  double threshold = number(&r, 2);
  float kept = number(&r, 3);
  if (r.failed) return NULL;
  dropout_mask(mask, state, n, threshold, kept); // a compare and a select per unit: no floating-point mode
  return NULL;
}

// batchNorm(out, mean, rstd, x, gamma, beta, B, N, eps)
static napi_value js_batch_norm(napi_env env, napi_callback_info info) {
  struct args r = read_args(env, info);
  long B = dim(&r, 6), N = dim(&r, 7);
  float *out = array(&r, 0, B * N, NULL), *mean = array(&r, 1, N, NULL), *rstd = array(&r, 2, N, NULL);
  const float *x = array(&r, 3, B * N, NULL), *gamma = array(&r, 4, N, NULL), *beta = array(&r, 5, N, NULL);
  float eps = number(&r, 8);
  if (r.failed) return NULL;
  fp_mode mode = fp_enter();
  batch_norm_forward(out, mean, rstd, x, gamma, beta, B, N, eps);
  fp_exit(mode);
  return NULL;
}

// batchNormApply(out, x, mean, rstd, gamma, beta, B, N)
static napi_value js_batch_norm_apply(napi_env env, napi_callback_info info) {
  struct args r = read_args(env, info);
  long B = dim(&r, 6), N = dim(&r, 7);
  float *out = array(&r, 0, B * N, NULL);
  const float *x = array(&r, 1, B * N, NULL), *mean = array(&r, 2, N, NULL), *rstd = array(&r, 3, N, NULL);
  const float *gamma = array(&r, 4, N, NULL), *beta = array(&r, 5, N, NULL);
  if (r.failed) return NULL;
  fp_mode mode = fp_enter();
  batch_norm_apply(out, x, mean, rstd, gamma, beta, B, N);
  fp_exit(mode);
  return NULL;
}

// batchNormBackward(dx, dgamma, dbeta, dout, x, mean, rstd, gamma, B, N)
static napi_value js_batch_norm_backward(napi_env env, napi_callback_info info) {
  struct args r = read_args(env, info);
  long B = dim(&r, 8), N = dim(&r, 9);
  float *dx = array(&r, 0, B * N, NULL), *dgamma = array(&r, 1, N, NULL), *dbeta = array(&r, 2, N, NULL);
  const float *dout = array(&r, 3, B * N, NULL), *x = array(&r, 4, B * N, NULL);
  const float *mean = array(&r, 5, N, NULL), *rstd = array(&r, 6, N, NULL), *gamma = array(&r, 7, N, NULL);
  if (r.failed) return NULL;
  fp_mode mode = fp_enter();
  struct alloc_failure failed = batch_norm_backward(dx, dgamma, dbeta, dout, x, mean, rstd, gamma, B, N);
  fp_exit(mode);
  throw_if_failed(env, "batchNormBackward", failed);
  return NULL;
}

// adagrad(w, g, s, lr, eps, keep, add, scale)
static napi_value js_adagrad(napi_env env, napi_callback_info info) {
  struct args r = read_args(env, info);
  size_t n = 0;
  float *w = array(&r, 0, 0, &n), *s = array(&r, 2, n, NULL);
  const float *g = array(&r, 1, n, NULL);
  float lr = number(&r, 3), eps = number(&r, 4), keep = number(&r, 5), add = number(&r, 6), scale = number(&r, 7);
  if (r.failed) return NULL;
  fp_mode mode = fp_enter();
  adagrad_update(w, g, s, n, lr, eps, keep, add, scale);
  fp_exit(mode);
  return NULL;
}

// adam(w, g, m, v, lr, beta1, beta2, eps, c1, c2, scale)
static napi_value js_adam(napi_env env, napi_callback_info info) {
  struct args r = read_args(env, info);
  size_t n = 0;
  float *w = array(&r, 0, 0, &n), *m = array(&r, 2, n, NULL), *v = array(&r, 3, n, NULL);
  const float *g = array(&r, 1, n, NULL);
  double beta1 = number(&r, 5), beta2 = number(&r, 6);
  float lr = number(&r, 4), eps = number(&r, 7), c1 = number(&r, 8), c2 = number(&r, 9), scale = number(&r, 10);
  if (r.failed) return NULL;
  fp_mode mode = fp_enter();
  adam_update(w, g, m, v, n, lr, beta1, 1 - beta1, beta2, 1 - beta2, eps, c1, c2, scale);
  fp_exit(mode);
  return NULL;
}

static void set(napi_env env, napi_value object, const char *name, napi_callback cb, const void *data) {
  napi_value fn;
  napi_create_function(env, name, NAPI_AUTO_LENGTH, cb, (void *)data, &fn);
  napi_set_named_property(env, object, name, fn);
}

// load(isa?): the kernel set of the named ISA path ("avx512", "avx2", "neon", "portable"), or of
// the best one this CPU runs; throws if this build or CPU lacks the one named.
static napi_value js_load(napi_env env, napi_callback_info info) {
  struct args r = read_args(env, info);
  const struct isa *isa = isa_best();
  if (!is_undefined(&r, 0)) {
    char name[32] = "";
    size_t length;
    napi_get_value_string_utf8(env, r.argv[0], name, sizeof name, &length);
    if (!(isa = isa_named(name))) {
      char message[96];
      snprintf(message, sizeof message, "ablate native kernels: ISA path '%s' is not available here", name);
      napi_throw_error(env, NULL, message);
      return NULL;
    }
  }
  napi_value set_of, isa_name;
  napi_create_object(env, &set_of);
  napi_create_string_utf8(env, isa->name, NAPI_AUTO_LENGTH, &isa_name);
  napi_set_named_property(env, set_of, "isa", isa_name);
  set(env, set_of, "matmul", js_matmul, isa);
  set(env, set_of, "relu", js_map, &RELU);
  set(env, set_of, "sigmoid", js_map, &SIGMOID);
  set(env, set_of, "tanh", js_map, &TANH);
  set(env, set_of, "reluBackward", js_backward, &RELU_BACKWARD);
  set(env, set_of, "sigmoidBackward", js_backward, &SIGMOID_BACKWARD);
  set(env, set_of, "tanhBackward", js_backward, &TANH_BACKWARD);
  set(env, set_of, "softmax", js_rows, &SOFTMAX);
  set(env, set_of, "softmaxBackward", js_rows_backward, &SOFTMAX_BACKWARD);
  set(env, set_of, "sumRows", js_sum_rows, NULL);
  set(env, set_of, "crossEntropy", js_cross_entropy, NULL);
  set(env, set_of, "bce", js_bce, NULL);
  set(env, set_of, "fusedLossBackward", js_fused_loss_backward, NULL);
  set(env, set_of, "momentum", js_momentum, NULL);
  set(env, set_of, "matmulAtBMomentum", js_matmul_atb_momentum, isa);
  set(env, set_of, "matmulAtBSumSquares", js_matmul_atb_sum_squares, isa);
  set(env, set_of, "gatherRows", js_gather_rows, NULL);
  set(env, set_of, "dropoutMask", js_dropout_mask, NULL);
  set(env, set_of, "dropout", js_backward, &DROPOUT);
  set(env, set_of, "dropoutBackward", js_backward, &DROPOUT_BACKWARD);
  set(env, set_of, "batchNorm", js_batch_norm, NULL);
  set(env, set_of, "batchNormApply", js_batch_norm_apply, NULL);
  set(env, set_of, "batchNormBackward", js_batch_norm_backward, NULL);
  set(env, set_of, "adagrad", js_adagrad, NULL);
  set(env, set_of, "adam", js_adam, NULL);
  return set_of;
}

NAPI_MODULE_INIT() {
  set(env, exports, "load", js_load, NULL);
  return exports;
}
