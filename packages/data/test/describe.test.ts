// Spec errors name the key they concern as data (DataSpecError.key), whatever step found them.
import { Rng } from '@ablate/tensor';
import { describe, expect, it } from 'vitest';
import { DataSpecError, prepareData, type DataSpec } from '../src/index.ts';
import { idCsv, tempDir, write } from './helpers.ts';

const train = write(tempDir(), 'train.csv', idCsv(60, 3));

/** The error prepareData throws for a spec (the test fails if it throws none). */
function prepareError(spec: DataSpec): DataSpecError {
  try {
    prepareData(spec, new Rng(1));
  } catch (error) {
    return error as DataSpecError;
  }
  throw new Error(`prepareData accepted ${JSON.stringify(spec)}`);
}

describe('DataSpecError', () => {
  const cases: [DataSpec, keyof DataSpec, RegExp][] = [
    [{ source: { kind: 'csv', train }, subset: { first: 61 } }, 'subset', /pool size 48/],
    [{ source: { kind: 'csv', train }, testSubset: { perClass: 100 } }, 'testSubset', /has only/],
    [{ source: { kind: 'csv', train }, validation: 1.5 }, 'validation', /fraction in \(0, 1\)/],
    [{ source: { kind: 'csv', train }, validation: 60 }, 'validation', /count from 1 to 47/],
    [{ source: { kind: 'xor' }, scale: 'minmax' as never }, 'scale', /none/],
    [{ source: { kind: 'xor' }, target: { kind: 'one_vs_rest', positive: 2 } }, 'target', /from 0 to 1/],
    [{ source: { kind: 'xor' }, target: { kind: 'softmax' } as never }, 'target', /one_hot/],
    [{ source: { kind: 'csv', train: '/nonexistent/t.csv' } }, 'source', /nonexistent/],
  ];
  for (const [spec, key, message] of cases) {
    it(`blames ${key} for ${JSON.stringify(spec).slice(0, 70)}`, () => {
      const error = prepareError(spec);
      expect(error).toBeInstanceOf(DataSpecError);
      expect(error.key).toBe(key);
      expect(error.message).toMatch(message);
    });
  }

  it('fills the defaults in one place: a spec with them written out prepares the same data', () => {
    const bare = prepareData({ source: { kind: 'xor' } }, new Rng(1));
    const explicit = prepareData(
      { source: { kind: 'xor' }, scale: 'unit', target: { kind: 'one_hot' }, validation: 0 },
      new Rng(1),
    );
    expect(explicit.fingerprint).toBe(bare.fingerprint);
  });
});
