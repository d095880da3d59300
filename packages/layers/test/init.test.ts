// Initializers: the empirical variance of the draws matches the documented formula.
import { Rng, Tensor } from '@ablate/tensor';
import { describe, expect, it } from 'vitest';
import { initialize, type InitSpec } from '../src/index.ts';

const FAN_IN = 400;
const FAN_OUT = 100;

const expected: [InitSpec, number][] = [
  ['glorot_normal', 2 / (FAN_IN + FAN_OUT)],
  ['glorot_uniform', 2 / (FAN_IN + FAN_OUT)],
  ['he_normal', 2 / FAN_IN],
  ['he_uniform', 2 / FAN_IN],
  ['lecun_normal', 1 / FAN_IN],
  [{ name: 'normal', std: 0.1 }, 0.01],
  [{ name: 'uniform', scale: 0.5 }, 0.25 / 3],
];

describe('initializers', () => {
  for (const [spec, variance] of expected) {
    it(`${JSON.stringify(spec)}: variance ${variance.toPrecision(3)}`, () => {
      const t = initialize(Tensor.zeros([FAN_IN, FAN_OUT]), spec, FAN_IN, FAN_OUT, new Rng(1));
      const n = t.size;
      const mean = t.data.reduce((s, v) => s + v, 0) / n;
      const measured = t.data.reduce((s, v) => s + (v - mean) ** 2, 0) / n;
      expect(Math.abs(mean)).toBeLessThan(4 * Math.sqrt(variance / n));
      expect(measured / variance).toBeGreaterThan(0.97);
      expect(measured / variance).toBeLessThan(1.03);
      const uniform = JSON.stringify(spec).includes('uniform');
      const max = Math.max(...t.data.map(Math.abs));
      if (uniform) expect(max).toBeLessThanOrEqual(Math.sqrt(3 * variance));
      else expect(max).toBeGreaterThan(Math.sqrt(3 * variance)); // normal tails reach past the uniform limit
    });
  }

  it('zeros', () => {
    const t = initialize(Tensor.from(new Array(9).fill(7), [3, 3]), 'zeros', 3, 3, new Rng(1));
    expect([...t.data]).toEqual(new Array(9).fill(0));
  });

  it('is a pure function of the seed', () => {
    const a = initialize(Tensor.zeros([10, 10]), 'he_normal', 10, 10, new Rng(42));
    const b = initialize(Tensor.zeros([10, 10]), 'he_normal', 10, 10, new Rng(42));
    const c = initialize(Tensor.zeros([10, 10]), 'he_normal', 10, 10, new Rng(43));
    expect(a.data).toEqual(b.data);
    expect(a.data).not.toEqual(c.data);
  });
});
