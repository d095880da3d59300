// The layers bench's workloads (bench.ts): the networks, their optimizers and their data, apart
// from the timing, so that a test builds and steps each of them as the bench does
// (test/bench-cases.test.ts).
import type { Dataset, TargetSpec } from '@ablate/data';
import { Rng, Tensor } from '@ablate/tensor';
import { Sequential, type ModelSpec, type OptimizerSpec, type PhaseTimer } from '../src/index.ts';
import { LESSON_MLP, mnist, oneHot } from '../test/data.ts';

/** Lesson 002's network: is it an 8, from 784 pixels, through four sigmoid layers. */
const LESSON_002: ModelSpec = {
  input: 784,
  hidden: [395, 200, 100, 20],
  activation: 'sigmoid',
  output: 1,
  outputActivation: 'sigmoid',
  loss: 'bce',
  init: 'he_normal',
};

export interface Workload {
  title: string;
  /** For numpy_train.py. */
  numpyCase: 'mlp' | 'lesson002';
  spec: ModelSpec;
  /** What y holds for each sample, as @ablate/data encodes it: one column per output of spec. */
  target: TargetSpec;
  optimizer: OptimizerSpec;
  samples: number;
  batch: number;
  /** The plain workload this one adds something to: the bench reports its epoch time as a ratio to that one's. */
  adds?: Workload;
}

const MLP = { numpyCase: 'mlp', spec: LESSON_MLP, target: { kind: 'one_hot' }, samples: 60_000 } as const;
const MOMENTUM: OptimizerSpec = { name: 'momentum', lr: 0.01, momentum: 0.9 };
const PLAIN_128: Workload = {
  ...MLP,
  title: '784-128-64-10 relu, softmax+CE, momentum SGD',
  optimizer: MOMENTUM,
  batch: 128,
};
export const WORKLOADS: Workload[] = [
  PLAIN_128,
  {
    ...PLAIN_128,
    title: '784-128-64-10 relu, dropout 0.2 and batch norm on both hidden layers, softmax+CE, momentum SGD',
    spec: { ...LESSON_MLP, dropout: 0.2, batchNorm: true },
    adds: PLAIN_128,
  },
  {
    ...PLAIN_128,
    title: '784-128-64-10 relu, softmax+CE, momentum SGD, gradient norm clipped to 1',
    optimizer: { ...MOMENTUM, clipGradNorm: 1 },
    adds: PLAIN_128,
  },
  { ...MLP, title: '784-128-64-10 relu, softmax+CE, momentum SGD', optimizer: MOMENTUM, batch: 16 },
  {
    title: "lesson 002's 784-395-200-100-20-1 sigmoid, sigmoid+BCE (is it an 8), gradient descent",
    numpyCase: 'lesson002',
    spec: LESSON_002,
    target: { kind: 'one_vs_rest', positive: 8 },
    optimizer: { name: 'sgd', lr: 0.1 },
    samples: 50_000,
    batch: 50_000,
  },
];

/**
 * The workload's data, `samples` rows of it: real MNIST (the first training images, and the first
 * `testSamples` test images, both with the workload's targets), or synthetic (uniform pixels,
 * random labels; no test set).
 */
export function workloadData(
  w: Workload,
  real: boolean,
  samples = w.samples,
  testSamples = 10_000,
): { train: Dataset; test?: Dataset } {
  if (real) return mnist(samples, testSamples, w.target);
  const rng = new Rng(1);
  const labels = Int32Array.from({ length: samples }, () => rng.int(10));
  const { target } = w;
  const y =
    target.kind === 'one_hot'
      ? oneHot(labels, 10).data
      : Float32Array.from(labels, (l) => Number(l === target.positive));
  const x = Tensor.uniform([samples, 784], rng).data;
  const targets = w.spec.output;
  return { train: { x, y, labels, count: samples, features: 784, targets, classes: Math.max(2, targets) } };
}

/** The workload's network, its weights (and dropout masks) from fixed seeds. */
export function workloadModel(w: Workload, timer?: PhaseTimer): Sequential {
  return new Sequential(w.spec, { rng: new Rng(2), dropoutRng: new Rng(4), optimizer: w.optimizer, timer });
}
