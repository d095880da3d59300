import { Rng } from '@ablate/tensor';
import { describe, expect, it } from 'vitest';
import { loadIdxFolder, prepareData, type DataSpec } from '../src/index.ts';
import { idCsv, ids, tempDir, write } from './helpers.ts';

const pool = write(tempDir(), 'pool.csv', idCsv(100, 4));
const test = write(tempDir(), 'test.csv', idCsv(8, 4));
const spec = (extra: Partial<DataSpec> = {}): DataSpec => ({
  source: { kind: 'csv', train: pool, test },
  scale: 'none', // rows keep their ids
  ...extra,
});
const split = (seed: number, extra: Partial<DataSpec> = {}) => {
  const data = prepareData(spec({ validation: 0.2, ...extra }), new Rng(seed));
  return { train: ids(data.train.x, 2), validation: ids(data.validation!.x, 2), data };
};
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('validation split', () => {
  it('is disjoint from training and together they are the whole pool', () => {
    const { train, validation } = split(1);
    expect([train.length, validation.length]).toEqual([80, 20]);
    expect(train.filter((id) => validation.includes(id))).toEqual([]);
    expect([...train, ...validation].sort((a, b) => a - b)).toEqual(range(100));
  });

  it('is the same for the same seed and differs for another', () => {
    expect(split(1)).toEqual(split(1));
    expect(split(2).validation).not.toEqual(split(1).validation);
  });

  it('keeps labels aligned with their rows', () => {
    const { data } = split(3);
    data.validation!.labels.forEach((label, i) => expect(label).toBe(data.validation!.x[2 * i] % 4));
  });

  it('takes a count or a fraction, none by default, and rejects impossible sizes', () => {
    expect(split(1, { validation: 7 }).validation.length).toBe(7);
    expect(prepareData(spec(), new Rng(1)).validation).toBeNull();
    for (const bad of [100, 0.001]) {
      expect(() => prepareData(spec({ validation: bad }), new Rng(1))).toThrow(
        `validation ${bad} of 100 samples in ${pool}, expected a count from 1 to 99`,
      );
    }
    // Not even a size: refused by the spec's schema, before the data is read.
    expect(() => prepareData(spec({ validation: -1 }), new Rng(1))).toThrow(/^validation: Too small/);
    expect(() => prepareData(spec({ validation: 1.5 }), new Rng(1))).toThrow(
      /^validation: expected 0, a count >= 1 or a fraction/,
    );
  });

  it('is carved after the subset, and leaves the official MNIST test set alone', () => {
    const data = prepareData(
      { source: { kind: 'mnist' }, subset: { first: 1000 }, validation: 100 },
      new Rng(5),
    );
    expect([data.train.count, data.validation!.count, data.test.count]).toEqual([900, 100, 10000]);
    expect(Array.from(data.test.labels.subarray(0, 5))).toEqual([7, 2, 1, 0, 4]);
  });
});

describe('subsets', () => {
  it('first N keeps the pool order', () => {
    expect(ids(prepareData(spec({ subset: { first: 5 } }), new Rng(1)).train.x, 2)).toEqual([0, 1, 2, 3, 4]);
    expect(() => prepareData(spec({ subset: { first: 101 } }), new Rng(1))).toThrow(
      `training pool: subset first 101, expected an integer from 1 to the pool size 100 in ${pool}`,
    );
    expect(() => prepareData(spec({ testSubset: { first: 9 } }), new Rng(1))).toThrow(
      `test set: subset first 9, expected an integer from 1 to the pool size 8 in ${test}`,
    );
  });

  it('perClass N takes the first N of every class from MNIST', () => {
    const raw = loadIdxFolder().train.labels;
    const data = prepareData(
      { source: { kind: 'mnist' }, scale: 'none', subset: { perClass: 3 }, testSubset: { perClass: 2 } },
      new Rng(1),
    );
    // Independently: walk the raw labels and keep each class's first three positions.
    const expected: number[] = [];
    const seen = new Array(10).fill(0);
    raw.forEach((label, i) => seen[label]++ < 3 && expected.push(i));
    expect(Array.from(data.train.labels)).toEqual(expected.map((i) => raw[i]));
    expect(data.train.x.subarray(784 * 29, 784 * 30)).toEqual(
      Float32Array.from(loadIdxFolder().train.x.subarray(784 * expected[29], 784 * (expected[29] + 1))),
    );
    expect(data.test.count).toBe(20);
    expect(new Set(data.test.labels).size).toBe(10);
  });

  it('perClass fails when a class is too small', () => {
    expect(() => prepareData(spec({ subset: { perClass: 26 } }), new Rng(1))).toThrow(
      `training pool: subset perClass 26, but class 0 has only 25 samples in ${pool}`,
    );
  });
});
