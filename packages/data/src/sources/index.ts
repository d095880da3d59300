// From a source spec to raw training and test pools.

import type { RandomSource, SourceSpec } from '../types.ts';
import { carve, allIndices, holdOutSize } from '../split.ts';
import { readCsv } from './csv.ts';
import { loadIdxFolder } from './idx.ts';
import { classCount, takeRows, type RawSource } from './raw.ts';
import { people, spirals, xor } from './toy.ts';

export function loadSource(source: SourceSpec, random: RandomSource): RawSource {
  switch (source.kind) {
    case 'mnist':
      return loadIdxFolder(source.dir);
    case 'csv':
      return loadCsv(source, random);
    case 'xor':
      return xor();
    case 'people':
      return people();
    case 'spirals':
      return spirals(random, source);
    default:
      throw new Error(
        `unknown data source kind "${(source as { kind: unknown }).kind}", expected mnist, csv, xor, people or spirals`,
      );
  }
}

function loadCsv(source: Extract<SourceSpec, { kind: 'csv' }>, random: RandomSource): RawSource {
  const options = { labelColumn: source.labelColumn, header: source.header };
  const train = readCsv(source.train, options);
  if (source.test) {
    const test = readCsv(source.test, options);
    if (test.features !== train.features) {
      throw new Error(
        `${source.test}: ${test.features} feature columns, expected ${train.features} as in ${source.train}`,
      );
    }
    return { train, test, classes: classCount(train, test), range: null };
  }
  const fraction = source.testFraction ?? 0.2;
  if (!(fraction > 0 && fraction < 1)) {
    throw new Error(
      `${source.train}: testFraction ${fraction}, expected a fraction in (0, 1) (or a test file)`,
    );
  }
  const split = carve(allIndices(train.count), holdOutSize(fraction, train.count, 'testFraction'), random);
  return {
    train: takeRows(train, split.kept),
    test: takeRows(train, split.held),
    classes: classCount(train),
    range: null,
  };
}
