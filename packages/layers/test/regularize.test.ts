// Dropout and batch norm, on each kernel set (vitest.config.ts runs the suite once per set): values
// against a hand computation, central-difference gradient checks of their kernels and layers, and
// a whole network with both (its gradients, its evaluation, its saved weights).
import { Rng, Tensor, dropout, dropoutBackward } from '@ablate/tensor';
import { describe, expect, it } from 'vitest';
import { BATCH_NORM_EPS, BatchNorm, Dropout, Sequential, type ModelSpec } from '../src/index.ts';
import { oneHot } from './data.ts';
import { dot, expectGradientsMatch, numericalGradient, randn } from './helpers.ts';

describe('batch norm', () => {
  it('normalizes each column over the batch and keeps running statistics, by hand', () => {
    const norm = new BatchNorm('n', 2);
    norm.gamma.value.data.set([2, 1]);
    norm.beta.value.data.set([0.5, 0]);
    // Column 0: 1, 3 (mean 2, variance 1); column 1: 10, 14 (mean 12, variance 4).
    const z = Tensor.from([
      [1, 10],
      [3, 14],
    ]);
    const y = Tensor.zeros([2, 2]);
    norm.forward(y, z, true);
    const r0 = 1 / Math.sqrt(1 + BATCH_NORM_EPS);
    const r1 = 1 / Math.sqrt(4 + BATCH_NORM_EPS);
    [-2 * r0 + 0.5, -2 * r1, 2 * r0 + 0.5, 2 * r1].forEach((v, i) => expect(y.data[i]).toBeCloseTo(v, 6));
    // Running averages from mean 0 and variance 1, momentum 0.1, the variance unbiased (x 2 / 1):
    // mean 0.1 [2, 12]; variance 0.9 + 0.1 [2, 8].
    [0.2, 1.2].forEach((v, i) => expect(norm.runningMean.data[i]).toBeCloseTo(v, 6));
    [1.1, 1.7].forEach((v, i) => expect(norm.runningVar.data[i]).toBeCloseTo(v, 5));
    // A probe (update false) leaves them; evaluation normalizes with them.
    norm.forward(y, z, false);
    expect([...norm.runningMean.data].map((v) => v.toFixed(6))).toEqual(['0.200000', '1.200000']);
    norm.evaluate(y, z);
    expect(y.data[0]).toBeCloseTo((2 * (1 - 0.2)) / Math.sqrt(1.1 + BATCH_NORM_EPS) + 0.5, 5);
    expect(y.data[3]).toBeCloseTo((14 - 1.2) / Math.sqrt(1.7 + BATCH_NORM_EPS), 5);
  });

  it('backward gives dz, dgamma and dbeta of sum(y * r), the batch statistics differentiated', () => {
    const rng = new Rng(11);
    // Awkward: 7 rows, 5 columns, columns of different scales.
    const norm = new BatchNorm('n', 5);
    norm.gamma.value.data.set(randn([5], rng).data);
    norm.beta.value.data.set(randn([5], rng).data);
    const z = Tensor.from(
      randn([7, 5], rng).data.map((v, i) => v * (1 + (i % 5)) + (i % 5)),
      [7, 5],
    );
    const r = randn([7, 5], rng);
    const y = Tensor.zeros([7, 5]);
    const objective = () => {
      norm.forward(y, z, false);
      return dot(y, r);
    };
    objective();
    const dz = Tensor.zeros([7, 5]);
    norm.backward(dz, r, z);
    expectGradientsMatch(norm.gamma.grad.data, numericalGradient(objective, norm.gamma.value.data), 'dgamma');
    expectGradientsMatch(norm.beta.grad.data, numericalGradient(objective, norm.beta.value.data), 'dbeta');
    expectGradientsMatch(dz.data, numericalGradient(objective, z.data), 'dz');
  });
});

describe('dropout', () => {
  it('drops a share p of the units and scales the kept ones by 1 / (1 - p), from its stream', () => {
    const x = Tensor.from(new Array<number>(100_000).fill(1), [1000, 100]);
    const out = Tensor.zeros([1000, 100]);
    const layer = new Dropout(0.2, new Rng(5));
    layer.forward(out, x);
    const dropped = out.data.filter((v) => v === 0).length;
    // Binomial(100000, 0.2): std 126, so within 5 std of 20000.
    expect(Math.abs(dropped - 20_000)).toBeLessThan(630);
    expect(new Set(out.data.filter((v) => v !== 0))).toEqual(new Set([Math.fround(1.25)]));
    // The same stream draws the same masks; the next batch draws new ones.
    const again = Tensor.zeros([1000, 100]);
    const twin = new Dropout(0.2, new Rng(5));
    twin.forward(again, x);
    expect(again.data).toEqual(out.data);
    twin.forward(again, x);
    expect(again.data).not.toEqual(out.data);
  });

  it('backward passes the gradient through the kept units, scaled (central differences)', () => {
    const rng = new Rng(12);
    const mask = Tensor.from(
      Array.from({ length: 3 * 7 }, () => (rng.uniform() < 0.3 ? 0 : 1 / 0.7)),
      [3, 7],
    );
    const x = randn([3, 7], rng);
    const r = randn([3, 7], rng);
    const out = Tensor.zeros([3, 7]);
    const dx = Tensor.zeros([3, 7]);
    dropoutBackward(dx, r, mask);
    const objective = () => dot(dropout(out, x, mask), r);
    expectGradientsMatch(dx.data, numericalGradient(objective, x.data), 'dx');
  });
});

describe('a network with dropout and batch norm', () => {
  const spec: ModelSpec = {
    input: 6,
    hidden: [7, 5],
    activation: 'tanh',
    output: 3,
    outputActivation: 'softmax',
    loss: 'cross_entropy',
    init: 'glorot_normal',
    dropout: [0.3, 0.1],
    batchNorm: true,
  };
  const build = (seed: number) =>
    new Sequential(spec, {
      rng: new Rng(seed),
      dropoutRng: new Rng(seed + 1),
      optimizer: { name: 'sgd', lr: 0.1 },
    });
  const rng = new Rng(13);
  const x = randn([9, 6], rng);
  const y = oneHot(
    Array.from({ length: 9 }, () => rng.int(3)),
    3,
  );

  it('has gradients that match central differences (a probe: batch statistics, no dropout)', () => {
    const model = build(1);
    model.gradients(x, y);
    const analytic = model.params.map((p) => p.grad.data.slice());
    expect(model.params.map((p) => p.name)).toEqual([
      'dense0.W',
      'dense0.b',
      'dense1.W',
      'dense1.b',
      'dense2.W',
      'dense2.b',
      'norm0.gamma',
      'norm0.beta',
      'norm1.gamma',
      'norm1.beta',
    ]);
    model.params.forEach((p, i) => {
      // A bias under batch norm shifts a column its mean takes back out: its gradient is 0.
      if (p.name === 'dense0.b' || p.name === 'dense1.b') {
        for (const g of analytic[i]) expect(Math.abs(g)).toBeLessThan(1e-6);
        return;
      }
      const numeric = numericalGradient(() => model.gradients(x, y), p.value.data, 3e-3);
      expectGradientsMatch(analytic[i], numeric, p.name);
    });
  });

  it('trains with dropout, evaluates without it, and saves its running statistics with the weights', () => {
    const model = build(2);
    for (let step = 0; step < 5; step++) model.trainStep(x, y);
    const evaluation = model.evaluate(x, y);
    expect(model.evaluate(x, y)).toEqual(evaluation); // no dropout, no update at evaluation
    const weights = model.exportWeights();
    expect(weights.shapes.slice(-4).map((s) => s.name)).toEqual([
      'norm0.runningMean',
      'norm0.runningVar',
      'norm1.runningMean',
      'norm1.runningVar',
    ]);
    const copy = build(3);
    copy.importWeights(weights);
    expect(copy.evaluate(x, y)).toEqual(evaluation);
    // Two models from the same streams train to the same bits.
    const twin = build(2);
    for (let step = 0; step < 5; step++) twin.trainStep(x, y);
    expect(twin.exportWeights().data).toEqual(weights.data);
  });

  it('refuses a dropout list of the wrong length and a rate outside [0, 1)', () => {
    expect(
      () =>
        new Sequential({ ...spec, dropout: [0.1] }, { rng: new Rng(1), optimizer: { name: 'sgd', lr: 1 } }),
    ).toThrow(/model\.dropout: expected one rate per hidden layer \(2\), got 1/);
    expect(
      () => new Sequential({ ...spec, dropout: 1 }, { rng: new Rng(1), optimizer: { name: 'sgd', lr: 1 } }),
    ).toThrow(/model\.dropout: expected a rate in \[0, 1\)/);
    expect(() => new Sequential(spec, { rng: new Rng(1), optimizer: { name: 'sgd', lr: 1 } })).toThrow(
      /needs options\.dropoutRng/,
    );
  });
});
