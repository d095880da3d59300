import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { Rng } from '@ablate/tensor';
import { describe, expect, it } from 'vitest';
import { prepareData, type DataSpec } from '../src/index.ts';
import { idCsv, tempDir, write } from './helpers.ts';

const dir = tempDir();
const train = write(dir, 'train.csv', idCsv(50, 3));
const base: DataSpec = { source: { kind: 'csv', train, testFraction: 0.2 }, scale: 'zscore', validation: 5 };
const print = (spec: DataSpec, seed = 1) => prepareData(spec, new Rng(seed)).fingerprint;

describe('fingerprint', () => {
  it('is a sha256 that is stable across runs and config key order', () => {
    expect(print(base)).toMatch(/^[0-9a-f]{64}$/);
    expect(print(base)).toBe(print(base));
    const reordered: DataSpec = {
      validation: 5,
      scale: 'zscore',
      source: { testFraction: 0.2, train, kind: 'csv' },
    };
    expect(print(reordered)).toBe(print(base));
  });

  it('ignores where the same bytes are read from', () => {
    const moved = path.join(tempDir(), 'elsewhere.csv');
    copyFileSync(train, moved);
    expect(print({ ...base, source: { kind: 'csv', train: moved, testFraction: 0.2 } })).toBe(print(base));
  });

  it('changes when the data changes', () => {
    const edited = write(tempDir(), 'train.csv', idCsv(50, 3).replace('\n1,1,2\n', '\n1,1,3\n'));
    expect(print({ ...base, source: { kind: 'csv', train: edited, testFraction: 0.2 } })).not.toBe(
      print(base),
    );
    expect(print(base, 2)).not.toBe(print(base)); // another seed: another split
  });

  it('changes when the spec changes', () => {
    const others: DataSpec[] = [
      { ...base, scale: 'none' },
      { ...base, validation: 6 },
      { ...base, subset: { first: 40 } },
      { ...base, target: { kind: 'one_vs_rest', positive: 1 } },
    ];
    const prints = new Set([print(base), ...others.map((spec) => print(spec))]);
    expect(prints.size).toBe(others.length + 1);
  });

  it('treats a default written out like the default, and tells sources apart', () => {
    expect(print({ source: { kind: 'xor' }, scale: 'unit' })).toBe(print({ source: { kind: 'xor' } }));
    expect(print({ source: { kind: 'xor' } })).not.toBe(print({ source: { kind: 'people' } }));
  });
});
