import { Rng } from '@ablate/tensor';
import { describe, expect, it } from 'vitest';
import { prepareData } from '../src/index.ts';

describe('toy sources', () => {
  it('XOR: the four points, label a xor b, tested on the same points', () => {
    const { train, test, inputSize, outputSize } = prepareData({ source: { kind: 'xor' } }, new Rng(1));
    expect(Array.from(train.x)).toEqual([0, 0, 0, 1, 1, 0, 1, 1]);
    expect(Array.from(train.labels)).toEqual([0, 1, 1, 0]);
    expect(Array.from(train.y)).toEqual([1, 0, 0, 1, 0, 1, 1, 0]);
    expect(test).toEqual(train);
    expect([inputSize, outputSize]).toEqual([2, 2]);
  });

  it('people: lesson 001 table, female = 1', () => {
    const { train } = prepareData(
      { source: { kind: 'people' }, scale: 'none', target: { kind: 'one_vs_rest', positive: 1 } },
      new Rng(1),
    );
    expect(Array.from(train.x)).toEqual([-2, -1, 25, 6, 17, 4, -15, -6]); // Alice, Bob, Charlie, Diana
    expect(Array.from(train.y)).toEqual([1, 0, 0, 1]);
  });

  it('spirals: seeded, balanced, radius growing along each arm', () => {
    const spec = { source: { kind: 'spirals', points: 40, classes: 3, noise: 0.1 }, scale: 'none' } as const;
    const data = prepareData(spec, new Rng(2));
    expect([data.train.count, data.test.count, data.train.classes]).toEqual([120, 120, 3]);
    expect(Array.from(data.train.labels.subarray(38, 42))).toEqual([0, 0, 1, 1]);
    const radius = (i: number) => Math.hypot(data.train.x[2 * i], data.train.x[2 * i + 1]);
    expect(radius(39)).toBeCloseTo(39 / 40, 5); // noise turns the angle only
    expect(data.test.x).not.toEqual(data.train.x);
    expect(prepareData(spec, new Rng(2)).fingerprint).toBe(data.fingerprint);
    expect(prepareData(spec, new Rng(3)).fingerprint).not.toBe(data.fingerprint);
    expect(() => prepareData({ source: { kind: 'spirals', classes: 1 } }, new Rng(1))).toThrow(
      /^source\.classes: Too small: expected number to be >=2$/,
    );
  });

  it('rejects an unknown source kind', () => {
    expect(() => prepareData({ source: { kind: 'cifar' } } as never, new Rng(1))).toThrow(
      /^source\.kind: Invalid discriminator value/,
    );
  });
});
