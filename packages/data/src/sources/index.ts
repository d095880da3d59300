// From a source spec to raw training and test pools.

import type { ResolvedSourceSpec } from '../spec.ts';
import type { RandomSource } from '../types.ts';
import { loadCsv } from './csv.ts';
import { loadIdxFolder } from './idx.ts';
import type { RawSource } from './raw.ts';
import { people, spirals, xor } from './toy.ts';

/** Loads the source; `random` is drawn from by spirals and by a CSV without a test file only. */
export function loadSource(source: ResolvedSourceSpec, random: RandomSource): RawSource {
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
  }
}
