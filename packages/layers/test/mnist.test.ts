// A real task in seconds: a 784-64-10 ReLU net on the first 20,000 MNIST training images, three
// epochs of momentum SGD in mini-batches, scored on 2,000 test images it never saw.
import { Rng } from '@ablate/tensor';
import { expect, it } from 'vitest';
import { Sequential } from '../src/index.ts';
import { batches, mnist, tensors } from './data.ts';

// Not on the reference kernels: their plain-loop matmul takes minutes for this (the gradient checks
// and the small training tests cover them).
it.skipIf(process.env.ABLATE_KERNELS === 'reference')('learns MNIST digits to >= 93% test accuracy', () => {
  const { train, test } = mnist(20_000, 2_000);
  const model = new Sequential(
    {
      input: 784,
      hidden: [64],
      activation: 'relu',
      output: 10,
      outputActivation: 'softmax',
      loss: 'cross_entropy',
      init: 'he_normal',
    },
    { rng: new Rng(1), optimizer: { name: 'momentum', lr: 0.05, momentum: 0.9 } },
  );
  const shuffle = new Rng(2);
  for (let epoch = 0; epoch < 3; epoch++) {
    for (const [xb, yb] of batches(train, 64, shuffle)) model.trainStep(xb, yb);
  }
  const { x, y } = tensors(test);
  const result = model.evaluate(x, y);
  expect(result.accuracy).toBeGreaterThanOrEqual(0.93);
  expect(result.perClass.reduce((s, c) => s + c.support, 0)).toBe(2_000);
  expect(Math.min(...result.perClass.map((c) => c.f1))).toBeGreaterThan(0.8);
});
