// Central-difference gradient checks: every layer, activation and loss on its own, then every
// activation inside a hidden layer of a 3-layer net and every loss on each output it pairs with.
import { Rng, Tensor } from '@ablate/tensor';
import { describe, expect, it } from 'vitest';
import {
  ACTIVATIONS,
  Dense,
  Sequential,
  activation,
  loss,
  type ActivationName,
  type Activation,
  type LossName,
  type ModelSpec,
} from '../src/index.ts';
import { oneHot } from './data.ts';

const LEAKY_SLOPE = 0.01;
import { dot, expectGradientsMatch, numericalGradient, randn, relativeError } from './helpers.ts';

describe('Dense', () => {
  it('backward gives dW, db and dx of sum(y * r)', () => {
    const rng = new Rng(1);
    const layer = new Dense('d', 5, 3);
    layer.W.value.data.set(randn([5, 3], rng).data);
    layer.b.value.data.set(randn([3], rng).data);
    const x = randn([4, 5], rng);
    const r = randn([4, 3], rng);
    const y = Tensor.zeros([4, 3]);
    const objective = () => {
      layer.forward(y, x);
      return dot(y, r);
    };
    const dx = Tensor.zeros([4, 5]);
    layer.backward(dx, r, x);
    expectGradientsMatch(layer.W.grad.data, numericalGradient(objective, layer.W.value.data), 'dW');
    expectGradientsMatch(layer.b.grad.data, numericalGradient(objective, layer.b.value.data), 'db');
    expectGradientsMatch(dx.data, numericalGradient(objective, x.data), 'dx');
  });

  it('backward accumulates into the gradients (+=)', () => {
    const rng = new Rng(2);
    const layer = new Dense('d', 3, 2);
    const x = randn([2, 3], rng);
    const dy = randn([2, 2], rng);
    layer.backward(null, dy, x);
    const once = layer.W.grad.data.slice();
    layer.backward(null, dy, x);
    for (let i = 0; i < once.length; i++) expect(layer.W.grad.data[i]).toBeCloseTo(2 * once[i], 5);
  });
});

describe('activations', () => {
  const check = (f: Activation, scale: number) => {
    const rng = new Rng(3);
    // Inputs kept away from relu's kink at 0, where the derivative is undefined.
    const x = Tensor.from(
      randn([4, 6], rng, scale).data.map((v) => (Math.abs(v) < 0.05 ? v + 0.1 : v)),
      [4, 6],
    );
    const r = randn([4, 6], rng);
    const out = Tensor.zeros([4, 6]);
    f.forward(out, x);
    const dx = Tensor.zeros([4, 6]);
    f.backward(dx, r, x, out);
    return relativeError(
      dx.data,
      numericalGradient(() => {
        f.forward(out, x);
        return dot(out, r);
      }, x.data),
    );
  };

  for (const name of ACTIVATIONS) {
    it(`${name}: backward matches central differences`, () => {
      expect(check(activation(name, 0.1), 2)).toBeLessThan(1e-2);
    });
  }

  it('the check catches a wrong derivative (sigmoid with s instead of s (1 - s))', () => {
    const sig = activation('sigmoid', LEAKY_SLOPE);
    const wrong: Activation = {
      name: 'sigmoid',
      forward: sig.forward,
      backward: (dx, dout, _x, out) => dx.data.forEach((_, i) => (dx.data[i] += dout.data[i] * out.data[i])),
    };
    expect(check(wrong, 2)).toBeGreaterThan(0.1);
  });

  it('stay finite for huge inputs (sigmoid, softmax, swish)', () => {
    const x = Tensor.from([[-1000, 0, 1000]]);
    const out = Tensor.zeros([1, 3]);
    for (const name of ['sigmoid', 'softmax', 'swish', 'tanh'] as const) {
      activation(name, LEAKY_SLOPE).forward(out, x);
      expect(out.data.every(Number.isFinite), name).toBe(true);
    }
    activation('softmax', LEAKY_SLOPE).forward(out, x);
    expect([...out.data]).toEqual([0, 0, 1]);
  });
});

describe('losses', () => {
  const cases: { name: LossName; out: ActivationName; units: number }[] = [
    { name: 'mse', out: 'linear', units: 3 },
    { name: 'mae', out: 'linear', units: 3 },
    { name: 'bce', out: 'sigmoid', units: 1 },
    { name: 'cross_entropy', out: 'softmax', units: 4 },
  ];
  for (const { name, out, units } of cases) {
    it(`${name}: backward matches central differences of the batch mean`, () => {
      const rng = new Rng(4);
      const L = loss(name);
      const f = activation(out, LEAKY_SLOPE);
      const B = 5;
      const p = randn([B, units], rng, 2); // logits when fused, predictions otherwise
      const a = Tensor.zeros([B, units]);
      const labels = Array.from({ length: B }, () => rng.int(units));
      const y =
        units === 1
          ? Tensor.from(
              labels.map(() => rng.int(2)),
              [B, 1],
            )
          : name === 'cross_entropy'
            ? oneHot(labels, units)
            : randn([B, units], rng);
      const value = () => {
        f.forward(a, p);
        return L.forward(L.fused ? p : a, y);
      };
      value();
      const dp = Tensor.zeros([B, units]);
      L.backward(dp, L.fused ? a : p, y);
      expectGradientsMatch(dp.data, numericalGradient(value, p.data), name);
    });
  }

  it('cross_entropy and bce are finite and exact for extreme logits (no log(0))', () => {
    const z = Tensor.from([[1000, -1000, 0]]);
    expect(loss('cross_entropy').forward(z, Tensor.from([[0, 1, 0]]))).toBeCloseTo(2000, 3);
    expect(loss('cross_entropy').forward(z, Tensor.from([[1, 0, 0]]))).toBe(0);
    expect(loss('bce').forward(Tensor.from([[-200]]), Tensor.from([[1]]))).toBeCloseTo(200, 6);
    expect(loss('bce').forward(Tensor.from([[50]]), Tensor.from([[1]]))).toBeGreaterThan(0);
  });

  it('match the lesson values: MSE of [1,0,0,1] vs 0 is 0.5; CE of a uniform softmax is ln K', () => {
    expect(loss('mse').forward(Tensor.zeros([4, 1]), Tensor.from([[1], [0], [0], [1]]))).toBe(0.5);
    expect(loss('cross_entropy').forward(Tensor.zeros([2, 10]), oneHot([3, 7], 10))).toBeCloseTo(
      Math.log(10),
      6,
    );
  });
});

/** Checks every parameter gradient of a model against central differences of evaluate().loss. */
function modelGradientError(spec: ModelSpec, seed: number): number {
  const rng = new Rng(seed);
  const model = new Sequential(spec, { rng, optimizer: { name: 'sgd', lr: 0 } });
  const B = 6;
  const x = randn([B, spec.input], rng);
  const labels = Array.from({ length: B }, () => rng.int(Math.max(2, spec.output)));
  const y =
    spec.loss === 'cross_entropy'
      ? oneHot(labels, spec.output)
      : spec.output === 1
        ? Tensor.from(labels, [B, 1])
        : Tensor.uniform([B, spec.output], rng);
  model.trainStep(x, y); // lr 0: computes the gradients, leaves the weights as they were
  let worst = 0;
  for (const p of model.params) {
    // eps 3e-3: the loss is summed from float32 activations, whose rounding a smaller step amplifies.
    const numeric = numericalGradient(() => model.evaluate(x, y).loss, p.value.data, 3e-3);
    worst = Math.max(worst, relativeError(p.grad.data, numeric));
  }
  return worst;
}

describe('Sequential gradients', () => {
  const base: Pick<ModelSpec, 'input' | 'hidden' | 'output' | 'init' | 'biasInit'> = {
    input: 4,
    hidden: [5, 4],
    output: 3,
    init: 'glorot_normal',
    biasInit: { name: 'normal', std: 0.1 },
  };

  for (const act of ACTIVATIONS) {
    it(`3-layer net with ${act} hidden layers (softmax + cross-entropy)`, () => {
      const spec: ModelSpec = {
        ...base,
        activation: act,
        leakySlope: 0.1,
        outputActivation: 'softmax',
        loss: 'cross_entropy',
      };
      expect(modelGradientError(spec, 5)).toBeLessThan(1e-2);
    });
  }

  const outputs: [ActivationName, LossName, number][] = [
    ['sigmoid', 'bce', 1],
    ['sigmoid', 'mse', 1],
    ['linear', 'mse', 3],
    ['tanh', 'mse', 3],
    ['softmax', 'mse', 3],
    ['linear', 'mae', 3],
    ['swish', 'mae', 2],
  ];
  for (const [out, lossName, units] of outputs) {
    it(`${out} output with ${lossName}`, () => {
      const spec: ModelSpec = {
        ...base,
        activation: ['tanh', 'sigmoid'],
        output: units,
        outputActivation: out,
        loss: lossName,
      };
      expect(modelGradientError(spec, 6)).toBeLessThan(1e-2);
    });
  }

  it('logistic regression (no hidden layer)', () => {
    const spec: ModelSpec = {
      ...base,
      hidden: [],
      activation: 'relu',
      output: 1,
      outputActivation: 'sigmoid',
      loss: 'bce',
    };
    expect(modelGradientError(spec, 7)).toBeLessThan(1e-2);
  });
});
