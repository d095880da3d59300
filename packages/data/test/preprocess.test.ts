import { Rng } from '@ablate/tensor';
import { describe, expect, it } from 'vitest';
import { loadIdxFolder, prepareData, type DataSpec } from '../src/index.ts';
import { tempDir, write } from './helpers.ts';

const prepare = (spec: DataSpec) => prepareData(spec, new Rng(7));

/** Mean and population std of a list, computed plainly. */
function stats(values: number[]): [mean: number, std: number] {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return [mean, Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length)];
}

const column = (x: Float32Array, features: number, f: number) =>
  Array.from(x).filter((_, i) => i % features === f);

describe('scaling', () => {
  it('z-scores the lesson 001 table per feature', () => {
    const weights = [-2, 25, 17, -15];
    const heights = [-1, 6, 4, -6];
    const [wm, ws] = stats(weights);
    const [hm, hs] = stats(heights);
    const { train } = prepare({ source: { kind: 'people' }, scale: 'zscore' });
    weights.forEach((w, i) => expect(train.x[2 * i]).toBeCloseTo((w - wm) / ws, 6));
    heights.forEach((h, i) => expect(train.x[2 * i + 1]).toBeCloseTo((h - hm) / hs, 6));
    expect(train.x[0]).toBeCloseTo(-0.5253, 4); // Alice's weight: -8.25 / sqrt(986.75 / 4)
  });

  it('fits z-score on the training rows only and applies the same map to test', () => {
    const dir = tempDir();
    const train = write(dir, 'train.csv', '0,1,5\n1,2,5\n0,3,5\n1,6,5\n');
    const test = write(dir, 'test.csv', '0,100,5\n1,-4,9\n');
    const data = prepare({ source: { kind: 'csv', train, test }, scale: 'zscore' });
    const [mean, std] = stats([1, 2, 3, 6]);
    const trained = column(data.train.x, 2, 0);
    expect(stats(trained)[0]).toBeCloseTo(0, 6);
    expect(stats(trained)[1]).toBeCloseTo(1, 6);
    expect(data.test.x[0]).toBeCloseTo((100 - mean) / std, 5);
    expect(data.test.x[2]).toBeCloseTo((-4 - mean) / std, 5);
    // Feature 2 is constant (5) in training: 0 everywhere, never NaN, even where test differs.
    expect([...column(data.train.x, 2, 1), ...column(data.test.x, 2, 1)]).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('excludes the validation rows from the z-score statistics', () => {
    const train = write(
      tempDir(),
      'train.csv',
      Array.from({ length: 40 }, (_, i) => `${i % 2},${i ** 2}`).join('\n'),
    );
    const data = prepare({
      source: { kind: 'csv', train, testFraction: 0.1 },
      scale: 'zscore',
      validation: 10,
    });
    const fitted = stats(Array.from(data.train.x));
    expect(fitted[0]).toBeCloseTo(0, 5);
    expect(fitted[1]).toBeCloseTo(1, 5);
  });

  it('scales MNIST pixels to [0, 1] with unit and to [-0.5, 0.5] with mean_shift', () => {
    const { test: raw } = loadIdxFolder();
    const scaled = (scale: DataSpec['scale']) =>
      prepare({ source: { kind: 'mnist' }, scale, subset: { first: 10 }, testSubset: { first: 200 } }).test;
    const unit = scaled('unit');
    const shifted = scaled('mean_shift');
    let unitError = 0;
    let shiftError = 0;
    for (let i = 0; i < unit.x.length; i++) {
      unitError = Math.max(unitError, Math.abs(unit.x[i] - raw.x[i] / 255));
      shiftError = Math.max(shiftError, Math.abs(shifted.x[i] - (raw.x[i] / 255 - 0.5)));
    }
    expect(unitError).toBeLessThan(1e-7);
    expect(shiftError).toBeLessThan(1e-7);
    const range = (x: Float32Array) => [
      x.reduce((a, b) => Math.min(a, b)),
      x.reduce((a, b) => Math.max(a, b)),
    ];
    expect(range(unit.x)).toEqual([0, 1]);
    expect(range(shifted.x)).toEqual([-0.5, 0.5]);
  });

  it('divides by the largest training magnitude outside images, and leaves data alone with none', () => {
    expect(Array.from(prepare({ source: { kind: 'people' }, scale: 'unit' }).train.x)).toEqual(
      [-2, -1, 25, 6, 17, 4, -15, -6].map((v) => Math.fround(v / 25)),
    );
    expect(Array.from(prepare({ source: { kind: 'people' }, scale: 'none' }).train.x)).toEqual([
      -2, -1, 25, 6, 17, 4, -15, -6,
    ]);
  });
});

describe('targets', () => {
  it('one-hot encodes k classes', () => {
    const { test } = prepare({ source: { kind: 'mnist' }, subset: { first: 5 }, testSubset: { first: 3 } });
    expect([test.targets, test.classes]).toEqual([10, 10]);
    expect(Array.from(test.y.subarray(0, 10))).toEqual([0, 0, 0, 0, 0, 0, 0, 1, 0, 0]); // a 7
    expect(Array.from(test.y.subarray(20, 30))).toEqual([0, 1, 0, 0, 0, 0, 0, 0, 0, 0]); // a 1
  });

  it('one-vs-rest: "is it an 8" over the whole of MNIST', () => {
    const data = prepare({ source: { kind: 'mnist' }, target: { kind: 'one_vs_rest', positive: 8 } });
    const { train, test } = data;
    expect([train.targets, train.classes, data.outputSize]).toEqual([1, 2, 1]);
    train.labels.forEach((label, i) => {
      if (train.y[i] !== (label === 8 ? 1 : 0))
        throw new Error(`sample ${i}: label ${label}, y ${train.y[i]}`);
    });
    // Class sizes published with MNIST: 5851 eights in training, 974 in test.
    expect(train.y.reduce((a, b) => a + b, 0)).toBe(5851);
    expect(test.y.reduce((a, b) => a + b, 0)).toBe(974);
  });

  it('rejects a positive class that does not exist', () => {
    expect(() => prepare({ source: { kind: 'xor' }, target: { kind: 'one_vs_rest', positive: 2 } })).toThrow(
      'target one_vs_rest: positive class 2, expected an integer from 0 to 1',
    );
  });
});
