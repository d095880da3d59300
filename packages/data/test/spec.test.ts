// Every default of a data spec is the schema's, so a parsed spec (what a run's id hashes) carries
// all of them: a value left out and the same value written out are one spec.
import { describe, expect, it } from 'vitest';
import { dataSpecSchema } from '../src/index.ts';

describe('the parsed data spec', () => {
  it("carries the spirals source's defaults", () => {
    expect(dataSpecSchema.parse({ source: { kind: 'spirals' } }).source).toEqual({
      kind: 'spirals',
      points: 100,
      classes: 2,
      noise: 0.2,
    });
    expect(dataSpecSchema.parse({ source: { kind: 'spirals', classes: 3 } }).source).toEqual({
      kind: 'spirals',
      points: 100,
      classes: 3,
      noise: 0.2,
    });
  });

  it("carries the csv source's defaults, and no header setting it was not given", () => {
    expect(dataSpecSchema.parse({ source: { kind: 'csv', train: 'a.csv' } }).source).toEqual({
      kind: 'csv',
      train: 'a.csv',
      labelColumn: 0,
      testFraction: 0.2,
    });
    const written = {
      kind: 'csv',
      train: 'a.csv',
      labelColumn: 'y',
      header: true,
      testFraction: 0.5,
    } as const;
    expect(dataSpecSchema.parse({ source: written }).source).toEqual(written);
  });

  it('fills the spec-wide defaults around them', () => {
    expect(dataSpecSchema.parse({ source: { kind: 'xor' } })).toEqual({
      source: { kind: 'xor' },
      scale: 'unit',
      target: { kind: 'one_hot' },
      validation: 0,
    });
  });
});
