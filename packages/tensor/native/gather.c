// Gathering a shuffled mini-batch: rows of the training set copied in the order of a permutation.
// The set is far larger than the caches, so each row is a wait on memory; the rows a few places
// ahead are prefetched while this one is copied, so several are on their way at once.
// Dimension legend: see kernels.h.
#include <string.h>

#include "kernels.h"

// How many rows ahead to prefetch: enough waits in flight to cover memory's latency with rows of
// MNIST's 3 KB, few enough not to evict the batch being built.
enum { AHEAD = 8, LINE = 64 };

static void prefetch_row(const float *row, long width) {
  const char *bytes = (const char *)row;
  for (long b = 0; b < width * (long)sizeof(float); b += LINE) __builtin_prefetch(bytes + b);
}

// The rows ahead are taken from order up to `listed`, past this batch: the next batch's first rows
// are then on their way while this one trains.
void gather_rows(float *dst, const float *src, const int32_t *order, long size, long listed, long width) {
  for (long i = 0; i < listed && i < AHEAD; i++) prefetch_row(src + order[i] * width, width);
  for (long i = 0; i < size; i++) {
    if (i + AHEAD < listed) prefetch_row(src + order[i + AHEAD] * width, width);
    memcpy(dst + i * width, src + order[i] * width, sizeof(float) * width);
  }
}
