import { Rng } from '@ablate/tensor';
import { describe, expect, it } from 'vitest';
import { describeData, prepareData, type DataSpec } from '../src/index.ts';
import { idCsv, tempDir, write } from './helpers.ts';

const train = write(tempDir(), 'train.csv', idCsv(60, 3));

/** The message prepareData throws for a spec (the test fails if it throws none). */
function prepareError(spec: DataSpec): string {
  try {
    prepareData(spec, new Rng(1));
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`prepareData accepted ${JSON.stringify(spec)}`);
}

describe('describeData', () => {
  it('gives the sizes prepareData produces', () => {
    const specs: DataSpec[] = [
      { source: { kind: 'mnist' }, subset: { perClass: 20 }, testSubset: { first: 30 }, validation: 0.25 },
      { source: { kind: 'csv', train, testFraction: 0.3 }, target: { kind: 'one_vs_rest', positive: 2 } },
      { source: { kind: 'spirals', points: 7, classes: 4 }, validation: 5 },
      { source: { kind: 'xor' } },
    ];
    for (const spec of specs) {
      const data = prepareData(spec, new Rng(1));
      expect(describeData(spec, new Rng(1))).toEqual({
        inputSize: data.train.features,
        outputSize: data.train.targets,
        train: data.train.count,
        validation: data.validation?.count ?? 0,
        test: data.test.count,
      });
    }
  });

  it('throws the errors prepareData throws', () => {
    const bad: DataSpec[] = [
      { source: { kind: 'csv', train }, subset: { first: 61 } },
      { source: { kind: 'csv', train }, validation: 1.5 },
      { source: { kind: 'xor' }, scale: 'minmax' as never },
      { source: { kind: 'xor' }, target: { kind: 'one_vs_rest', positive: 2 } },
      { source: { kind: 'xor' }, target: { kind: 'softmax' } as never },
    ];
    for (const spec of bad) expect(() => describeData(spec, new Rng(1))).toThrow(prepareError(spec));
  });
});
