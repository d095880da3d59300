// Sequential end to end: the lessons' tiny examples, metrics, checkpoints, determinism, and the
// per-layer diagnostics.
import { Rng, Tensor, kernels } from '@ablate/tensor';
import { describe, expect, it } from 'vitest';
import { Sequential, type ModelSpec, type OptimizerSpec } from '../src/index.ts';
import { LESSON_MLP, oneHot } from './data.ts';
import { randn } from './helpers.ts';

/** Lesson 001: weight - 135 lb, height - 66 in; female = 1. */
const people = Tensor.from([
  [-2, -1], // Alice
  [25, 6], // Bob
  [17, 4], // Charlie
  [-15, -6], // Diana
]);
const female = Tensor.from([[1], [0], [0], [1]]);

const lessonNet: ModelSpec = {
  input: 2,
  hidden: [2],
  activation: 'sigmoid',
  output: 1,
  outputActivation: 'sigmoid',
  loss: 'mse',
  init: { name: 'normal', std: 1 },
  biasInit: { name: 'normal', std: 1 },
};

describe('the lessons’ examples', () => {
  it('2-2-1 sigmoid net with MSE separates the four people (Emily > 0.9, Frank < 0.1)', () => {
    // As in the lesson: one sample at a time, lr 0.1, 1000 epochs, every parameter drawn from N(0, 1).
    for (const seed of [1, 2, 3]) {
      const model = new Sequential(lessonNet, { rng: new Rng(seed), optimizer: { name: 'sgd', lr: 0.1 } });
      const before = model.evaluate(people, female).loss;
      for (let epoch = 0; epoch < 1000; epoch++) {
        for (let i = 0; i < 4; i++) model.trainStep(people.rowView(i, i + 1), female.rowView(i, i + 1));
      }
      const [emily, frank] = model.predict(
        Tensor.from([
          [-7, -3],
          [20, 2],
        ]),
      ).data;
      expect(emily, `seed ${seed}`).toBeGreaterThan(0.9);
      expect(frank, `seed ${seed}`).toBeLessThan(0.1);
      expect(model.evaluate(people, female).loss).toBeLessThan(Math.min(before, 0.01));
    }
  });

  it('a 2-4-1 tanh net learns XOR', () => {
    const x = Tensor.from([
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ]);
    const y = Tensor.from([[0], [1], [1], [0]]);
    const spec: ModelSpec = {
      input: 2,
      hidden: [4],
      activation: 'tanh',
      output: 1,
      outputActivation: 'sigmoid',
      loss: 'bce',
      init: 'glorot_uniform',
    };
    const model = new Sequential(spec, { rng: new Rng(7), optimizer: { name: 'adam', lr: 0.05 } });
    for (let step = 0; step < 500; step++) model.trainStep(x, y);
    const result = model.evaluate(x, y);
    expect(result.accuracy).toBe(1);
    expect(result.confusion).toEqual([
      [2, 0],
      [0, 2],
    ]);
    expect(result.loss).toBeLessThan(0.1);
  });
});

describe('evaluate', () => {
  it('counts the confusion matrix [true][predicted] and per-class precision/recall/F1', () => {
    // A linear 2-in 3-out model with identity weights predicts argmax of the first two features;
    // the third class gets logit 0.
    const spec: ModelSpec = {
      input: 3,
      hidden: [],
      activation: 'relu',
      output: 3,
      outputActivation: 'softmax',
      loss: 'cross_entropy',
      init: 'zeros',
    };
    const model = new Sequential(spec, { rng: new Rng(1), optimizer: { name: 'sgd', lr: 0 } });
    model.importWeights({
      ...model.exportWeights(),
      data: Float32Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0]),
    });
    const x = Tensor.from([
      [5, 0, 0],
      [5, 0, 0],
      [0, 5, 0],
      [5, 0, 0],
      [0, 0, 5],
    ]);
    const labels = [0, 0, 1, 1, 1];
    const y = oneHot(labels, 3); // the 4th is class 1 predicted 0, the 5th class 1 predicted 2
    const r = model.evaluate(x, y, 2); // batches of 2, 2 and 1
    expect(r.confusion).toEqual([
      [2, 0, 0],
      [1, 1, 1],
      [0, 0, 0],
    ]);
    expect(r.accuracy).toBeCloseTo(3 / 5, 12);
    expect(r.perClass[0]).toEqual({ precision: 2 / 3, recall: 1, f1: 0.8, support: 2 });
    expect(r.perClass[1]).toEqual({ precision: 1, recall: 1 / 3, f1: 0.5, support: 3 });
    expect(r.perClass[2]).toEqual({ precision: 0, recall: 0, f1: 0, support: 0 });
    const p = model.predict(x);
    const lossByHand = -labels.reduce((s, k, i) => s + Math.log(p.get(i, k)), 0) / 5;
    expect(r.loss).toBeCloseTo(lossByHand, 5);
  });

  it('binary (1 output): threshold 0.5, a 2x2 matrix', () => {
    const spec: ModelSpec = {
      input: 1,
      hidden: [],
      activation: 'relu',
      output: 1,
      outputActivation: 'sigmoid',
      loss: 'bce',
      init: 'zeros',
    };
    const model = new Sequential(spec, { rng: new Rng(1), optimizer: { name: 'sgd', lr: 0 } });
    model.importWeights({ ...model.exportWeights(), data: Float32Array.from([1, 0]) });
    const r = model.evaluate(Tensor.from([[2], [-2], [3], [0.1]]), Tensor.from([[1], [1], [0], [0]]));
    expect(r.confusion).toEqual([
      [0, 2],
      [1, 1],
    ]);
    expect(r.accuracy).toBe(0.25);
  });
});

describe('training mechanics', () => {
  const spec: ModelSpec = { ...LESSON_MLP, input: 6, hidden: [8, 5], output: 3 };
  const optimizer: OptimizerSpec = { name: 'adam', lr: 0.01 };
  const data = (seed: number, n: number) => {
    const rng = new Rng(seed);
    const x = randn([n, 6], rng);
    return {
      x,
      y: oneHot(
        Array.from({ length: n }, (_, i) => (x.get(i, 0) > 0 ? 0 : x.get(i, 1) > 0 ? 1 : 2)),
        3,
      ),
    };
  };
  const train = (model: Sequential, x: Tensor, y: Tensor, batch: number) => {
    for (let s = 0; s < x.rows; s += batch)
      model.trainStep(x.rowView(s, Math.min(x.rows, s + batch)), y.rowView(s, Math.min(x.rows, s + batch)));
  };

  it('same seed and config: bit-identical weights after N steps (with partial batches)', () => {
    const { x, y } = data(1, 70);
    const a = new Sequential(spec, { rng: new Rng(9), optimizer });
    const b = new Sequential(spec, { rng: new Rng(9), optimizer });
    const c = new Sequential(spec, { rng: new Rng(10), optimizer });
    for (let epoch = 0; epoch < 3; epoch++) [a, b, c].forEach((m) => train(m, x, y, 16));
    expect(a.exportWeights().data).toEqual(b.exportWeights().data);
    expect(a.exportWeights().data).not.toEqual(c.exportWeights().data);
  });

  it('a partial batch after a full one computes the same step as a fresh model', () => {
    const { x, y } = data(2, 20);
    const warm = new Sequential(spec, { rng: new Rng(3), optimizer: { name: 'sgd', lr: 0.1 } });
    const fresh = new Sequential(spec, { rng: new Rng(3), optimizer: { name: 'sgd', lr: 0.1 } });
    warm.evaluate(x, y); // grows the buffers to 20 rows
    expect(warm.trainStep(x.rowView(0, 7), y.rowView(0, 7))).toBe(
      fresh.trainStep(x.rowView(0, 7), y.rowView(0, 7)),
    );
    expect(warm.exportWeights().data).toEqual(fresh.exportWeights().data);
  });

  it.each<OptimizerSpec>([
    { name: 'momentum', lr: 0.1 },
    { name: 'momentum', lr: 0.1, momentum: 0.5, momentumForm: 'ema' },
    { name: 'nesterov', lr: 0.1 },
    { name: 'momentum', lr: 0.1, weightDecay: 0.01 }, // not fused: decay is added by the step
    // Clipping's step stores each weight gradient with its sum of squares; below the norm, nothing is scaled.
    { name: 'momentum', lr: 0.1, clipGradNorm: 1e9 },
    { name: 'adam', lr: 0.01, clipGradNorm: 1e9 },
  ])('trainStep with the update fused into backward equals gradients then step, to the bit: %o', (opt) => {
    const { x, y } = data(4, 40);
    const fused = new Sequential(spec, { rng: new Rng(5), optimizer: opt });
    const apart = new Sequential(spec, { rng: new Rng(5), optimizer: opt });
    for (let s = 0; s < x.rows; s += 16) {
      const [xb, yb] = [x.rowView(s, Math.min(x.rows, s + 16)), y.rowView(s, Math.min(x.rows, s + 16))];
      expect(fused.trainStep(xb, yb)).toBe(apart.gradients(xb, yb));
      apart.optimizer.step();
    }
    expect(fused.exportWeights().data).toEqual(apart.exportWeights().data);
    expect(fused.optimizer.getState()).toEqual(apart.optimizer.getState());
  });

  it.each<OptimizerSpec>([
    { name: 'momentum', lr: 0.1, clipGradNorm: 0.05 },
    { name: 'momentum', lr: 0.1, momentum: 0.5, momentumForm: 'ema', clipGradNorm: 0.05 },
    { name: 'adam', lr: 0.01, clipGradNorm: 0.05, weightDecay: 0.01 },
  ])(
    'clips in trainStep the norm that gradients then step clip, the squares summed as the matmul stores: %o',
    (opt) => {
      // trainStep takes each weight gradient's sum of squares tile by tile in float32 as its matmul
      // stores it; the step after gradients() sums them in float64 in order. The norms then agree to
      // (256 + 1) u (a tile's float32 sum of at most 8 x 32 squares), the steps to a few units in the
      // last place of the weights (the scale max / norm rounded to float32 may differ by one).
      const { x, y } = data(4, 40);
      const fused = new Sequential(spec, { rng: new Rng(5), optimizer: opt });
      const apart = new Sequential(spec, { rng: new Rng(5), optimizer: opt });
      for (let s = 0; s < x.rows; s += 16) {
        const [xb, yb] = [x.rowView(s, Math.min(x.rows, s + 16)), y.rowView(s, Math.min(x.rows, s + 16))];
        fused.trainStep(xb, yb);
        apart.gradients(xb, yb);
        apart.optimizer.step();
        const [norm, want] = [fused.optimizer.lastGradNorm, apart.optimizer.lastGradNorm];
        expect(want).toBeGreaterThan(0.05); // clipped
        expect(Math.abs(norm - want)).toBeLessThanOrEqual(257 * 2 ** -24 * want);
        const [w, wantW] = [fused.exportWeights().data, apart.exportWeights().data];
        for (let i = 0; i < w.length; i++)
          expect(Math.abs(w[i] - wantW[i])).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(wantW[i])));
      }
    },
  );

  it('lastCorrect counts the batch as evaluate scores it before the step, for many and for one output', () => {
    const { x, y } = data(6, 40);
    const multi = new Sequential(spec, { rng: new Rng(6), optimizer });
    const before = multi.evaluate(x, y).accuracy;
    multi.trainStep(x, y);
    expect(multi.lastCorrect).toBe(Math.round(before * 40));
    // Guard: the step changed the predictions, so a count taken after it would differ.
    expect(multi.evaluate(x, y).accuracy).not.toBe(before);

    const binary = new Sequential(lessonNet, { rng: new Rng(7), optimizer: { name: 'sgd', lr: 0.5 } });
    const scored = binary.evaluate(people, female).accuracy;
    binary.trainStep(people, female);
    expect(binary.lastCorrect).toBe(Math.round(scored * 4));
  });

  it('exportWeights / importWeights round-trip, and mismatched shapes are rejected', () => {
    const { x } = data(3, 10);
    const a = new Sequential(spec, { rng: new Rng(4), optimizer });
    const b = new Sequential(spec, { rng: new Rng(5), optimizer });
    const w = a.exportWeights();
    expect(w.shapes.map((s) => `${s.name}:${s.shape}`)).toEqual([
      'dense0.W:6,8',
      'dense0.b:8',
      'dense1.W:8,5',
      'dense1.b:5',
      'dense2.W:5,3',
      'dense2.b:3',
    ]);
    b.importWeights(w);
    expect(b.predict(x).data).toEqual(a.predict(x).data);
    const other = new Sequential({ ...spec, hidden: [8, 4] }, { rng: new Rng(4), optimizer });
    expect(() => other.importWeights(w)).toThrow(/importWeights: expected parameters .*dense1\.W\(8, 4\)/);
  });

  it('dispose gives parameters and optimizer state back, to be reused from zero; the model refuses use after it', () => {
    const optimizer: OptimizerSpec = { name: 'momentum', lr: 0.1, momentum: 0.9 };
    const make = () => new Sequential(LESSON_MLP, { rng: new Rng(1), optimizer });
    const x = Tensor.uniform([8, 784], new Rng(2));
    const y = oneHot([0, 1, 2, 3, 4, 5, 6, 7], 10);
    const train = (m: Sequential) => {
      for (let i = 0; i < 3; i++) m.trainStep(x, y);
      return m.exportWeights().data;
    };
    const first = make();
    train(first);
    const at = first.params[0].value.data.byteOffset;
    first.dispose();
    expect(() => first.trainStep(x, y)).toThrow(/after dispose/);
    expect(() => first.exportWeights()).toThrow(/after dispose/);
    // The next model gets the same memory when the kernels keep parameters in their own (wasm),
    // and trains exactly as one in fresh memory: gradients and velocities start at zero again.
    const second = make();
    if (kernels().residentArray) expect(second.params[0].value.data.byteOffset).toBe(at);
    const fresh = make();
    expect(train(second)).toEqual(train(fresh));
  });

  it('rejects batches of the wrong shape', () => {
    const model = new Sequential(spec, { rng: new Rng(1), optimizer });
    expect(() => model.trainStep(Tensor.zeros([4, 5]), Tensor.zeros([4, 3]))).toThrow(
      /x must be \(batch, 6\)/,
    );
    expect(() => model.trainStep(Tensor.zeros([4, 6]), Tensor.zeros([3, 3]))).toThrow(/y must be \(4, 3\)/);
  });

  it('layerStats shows the signal dying with depth under a tiny init but not under He, without updating', () => {
    const deep: ModelSpec = { ...spec, input: 50, hidden: [50, 50, 50, 50], activation: 'relu' };
    const rng = new Rng(6);
    const x = randn([64, 50], rng);
    const y = oneHot(
      Array.from({ length: 64 }, () => rng.int(3)),
      3,
    );
    const tiny = new Sequential(
      { ...deep, init: { name: 'normal', std: 0.01 } },
      { rng: new Rng(1), optimizer },
    );
    const he = new Sequential(deep, { rng: new Rng(1), optimizer });
    const before = he.exportWeights().data;
    const sTiny = tiny.layerStats(x, y);
    const sHe = he.layerStats(x, y);
    expect(he.exportWeights().data).toEqual(before);
    expect(sHe.map((s) => s.name)).toEqual([
      'dense0 (relu)',
      'dense1 (relu)',
      'dense2 (relu)',
      'dense3 (relu)',
      'dense4 (softmax)',
    ]);
    // He keeps the hidden activation scale within a factor 3 from first to last; N(0, 0.01) loses
    // a factor of about 10 per layer.
    expect(sHe[3].act_std / sHe[0].act_std).toBeGreaterThan(1 / 3);
    expect(sHe[3].act_std / sHe[0].act_std).toBeLessThan(3);
    expect(sTiny[3].act_std / sTiny[0].act_std).toBeLessThan(1e-2);
    expect(sTiny[0].grad_std).toBeLessThan(sHe[0].grad_std);
  });

  it('layerStats measures update_ratio (lr ||dW|| / ||W||) and dead_fraction, checked by hand', () => {
    // 2 inputs, 2 ReLU units, 1 linear output, MSE. Unit 1's bias of -10 keeps it below 0 for both
    // examples: dead. Unit 0 passes x1 on.
    const model = new Sequential(
      {
        input: 2,
        hidden: [2],
        activation: 'relu',
        output: 1,
        outputActivation: 'linear',
        loss: 'mse',
      },
      { rng: new Rng(1), optimizer: { name: 'sgd', lr: 0.1 } },
    );
    const { shapes } = model.exportWeights();
    // W0 = [[1, 0], [0, 1]], b0 = [0, -10], W1 = [[3], [4]], b1 = [0.5].
    model.importWeights({ shapes, data: Float32Array.from([1, 0, 0, 1, 0, -10, 3, 4, 0.5]) });
    const x = Tensor.from([
      [1, 1],
      [2, 0],
    ]);
    const y = Tensor.from([[1], [2]]);
    // By hand: h = relu(x W0 + b0) = [[1, 0], [2, 0]]; a = h W1 + b1 = [[3.5], [6.5]];
    // dL/da = 2 (a - y) / 2 = [[2.5], [4.5]]; dW1 = h^T da = [[1 * 2.5 + 2 * 4.5], [0]] = [[11.5], [0]].
    // dh = da W1^T = [[7.5, 10], [13.5, 18]], masked by unit 1's death: dz = [[7.5, 0], [13.5, 0]];
    // dW0 = x^T dz = [[1 * 7.5 + 2 * 13.5, 0], [1 * 7.5 + 0 * 13.5, 0]] = [[34.5, 0], [7.5, 0]].
    const ratio0 = (0.1 * Math.hypot(34.5, 7.5)) / Math.hypot(1, 1);
    const ratio1 = (0.1 * 11.5) / Math.hypot(3, 4);
    const [hidden, output] = model.layerStats(x, y);
    expect(hidden.name).toBe('dense0 (relu)');
    expect(hidden.dead_fraction).toBe(1 / 2);
    expect(hidden.update_ratio).toBeCloseTo(ratio0, 5);
    expect(output.dead_fraction).toBeNull();
    expect(output.update_ratio).toBeCloseTo(ratio1, 6);
    // The lr in use: the runner sets it epoch by epoch.
    model.optimizer.lr = 0.01;
    expect(model.layerStats(x, y)[1].update_ratio).toBeCloseTo(ratio1 / 10, 7);
    // A live unit again (its bias back to 0, x2 = 1 for the first example): none dead.
    model.importWeights({ shapes, data: Float32Array.from([1, 0, 0, 1, 0, 0, 3, 4, 0.5]) });
    expect(model.layerStats(x, y)[0].dead_fraction).toBe(0);
  });
});
