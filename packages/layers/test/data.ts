// Data for the tests and the benchmark: one-hot labels, and MNIST and mini-batches through
// @ablate/data, as tensors.
import { Batcher, prepareData, type Dataset, type TargetSpec } from '@ablate/data';
import { Rng, Tensor, kernels } from '@ablate/tensor';
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

/** The first n MNIST training and testN test images, pixels scaled to [0, 1], targets one-hot unless given. */
export function mnist(
  n: number,
  testN: number,
  target: TargetSpec = { kind: 'one_hot' },
): { train: Dataset; test: Dataset } {
  const data = prepareData(
    { source: { kind: 'mnist' }, scale: 'unit', target, subset: { first: n }, testSubset: { first: testN } },
    new Rng(0),
  );
  return { train: data.train, test: data.test };
}

/** A dataset's samples and targets as (count, features) and (count, targets) tensors (no copy). */
export function tensors(data: Dataset): { x: Tensor; y: Tensor } {
  return {
    x: new Tensor(data.x, [data.count, data.features]),
    y: new Tensor(data.y, [data.count, data.targets]),
  };
}

/** One-hot rows (n, k) for integer labels. */
export function oneHot(labels: ArrayLike<number>, k: number): Tensor {
  const t = Tensor.zeros([labels.length, k]);
  for (let i = 0; i < labels.length; i++) t.data[i * k + labels[i]] = 1;
  return t;
}

/** Shuffled mini-batches of (x, y) from @ablate/data's Batcher, as tensors. */
export function* batches(data: Dataset, B: number, rng: Rng): Generator<[Tensor, Tensor]> {
  for (const batch of new Batcher(data, B, { random: rng, gather: kernels().gatherRows }).epoch()) {
    yield [new Tensor(batch.x, [batch.size, data.features]), new Tensor(batch.y, [batch.size, data.targets])];
  }
}
