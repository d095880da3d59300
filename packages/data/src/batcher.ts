// Mini-batches over a Dataset. Unshuffled batches are views into the dataset (no copy at all);
// shuffled ones are gathered into two buffers allocated once and reused, so an epoch allocates
// nothing per batch. Either way a batch is only valid until the next one is requested.

import type { Dataset, RandomSource } from './types.ts';

export interface Batch {
  /** (size, features) */
  x: Float32Array;
  /** (size, targets) */
  y: Float32Array;
  size: number;
}

export interface BatcherOptions {
  /** Shuffles the sample order at the start of every epoch; without it, batches follow dataset order. */
  random?: RandomSource;
  /** Drops the last batch when it is smaller than batchSize. Default false: it is kept. */
  dropLast?: boolean;
  /** Copies the shuffled rows; default gatherRows below (the runner passes its native kernel's). */
  gather?: GatherRows;
}

/** dst row i = src row order[start + i], for `size` rows of `width` floats. */
export type GatherRows = (
  dst: Float32Array, // (size, width)
  src: Float32Array, // (rows, width)
  order: Int32Array, // row indices into src
  start: number,
  size: number,
  width: number,
) => void;

/** Cuts a Dataset into mini-batches of `batchSize` samples, one epoch at a time. */
export class Batcher {
  /** Batches per epoch: the last partial one counts unless `dropLast`. */
  readonly batchesPerEpoch: number;
  private readonly random?: RandomSource;
  private readonly gather: GatherRows;
  private readonly xBuffer: Float32Array;
  private readonly yBuffer: Float32Array;

  constructor(
    private readonly data: Dataset,
    private readonly batchSize: number,
    options: BatcherOptions = {},
  ) {
    if (!Number.isInteger(batchSize) || batchSize < 1)
      throw new Error(`batch size ${batchSize}, expected an integer >= 1`);
    this.random = options.random;
    this.gather = options.gather ?? gatherRows;
    const round = options.dropLast ? Math.floor : Math.ceil;
    this.batchesPerEpoch = round(data.count / batchSize);
    const rows = this.random ? Math.min(batchSize, data.count) : 0;
    this.xBuffer = new Float32Array(rows * data.features);
    this.yBuffer = new Float32Array(rows * data.targets);
  }

  /** One pass over the data. The shuffle is drawn now, so epochs are reproducible from the seed. */
  epoch(): Iterable<Batch> {
    const order = this.random?.permutation(this.data.count) ?? null;
    return this.batches(order);
  }

  private *batches(order: Int32Array | null): Generator<Batch> {
    const { x, y, features, targets } = this.data;
    for (let b = 0; b < this.batchesPerEpoch; b++) {
      const start = b * this.batchSize;
      const size = Math.min(this.batchSize, this.data.count - start);
      if (!order) {
        yield {
          x: x.subarray(start * features, (start + size) * features),
          y: y.subarray(start * targets, (start + size) * targets),
          size,
        };
        continue;
      }
      this.gather(this.xBuffer, x, order, start, size, features);
      this.gather(this.yBuffer, y, order, start, size, targets);
      yield {
        x: this.xBuffer.subarray(0, size * features),
        y: this.yBuffer.subarray(0, size * targets),
        size,
      };
    }
  }
}

// A set per row is a memcpy but costs about as much as this many floats copied one by one (the
// subarray, the call): wide rows (pixels) take it, narrow ones (one-hot targets) a plain loop.
const MIN_WIDTH_FOR_SET = 32;

const gatherRows: GatherRows = (dst, src, order, start, size, width) => {
  for (let i = 0; i < size; i++) {
    const from = order[start + i] * width;
    if (width >= MIN_WIDTH_FOR_SET) dst.set(src.subarray(from, from + width), i * width);
    else for (let j = 0; j < width; j++) dst[i * width + j] = src[from + j];
  }
};
