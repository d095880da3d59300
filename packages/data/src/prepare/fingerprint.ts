// A sha256 over the prepared arrays and the spec, recorded with every run so that a result names
// exactly the data it was trained and scored on. File locations are left out of the spec part: the
// same bytes read from another folder or machine are the same data, and the arrays carry the rest.

import { createHash } from 'node:crypto';
import type { ResolvedDataSpec } from '../spec.ts';
import type { Dataset } from '../types.ts';

/** JSON with object keys sorted, so key order in a config never changes the hash. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The spec as hashed: absent subsets written as null, file locations dropped. */
function hashedSpec(spec: ResolvedDataSpec): unknown {
  const { dir: _dir, train: _train, test: _test, ...source } = spec.source as Record<string, unknown>;
  return { ...spec, source, subset: spec.subset ?? null, testSubset: spec.testSubset ?? null };
}

export function fingerprint(spec: ResolvedDataSpec, sets: Record<string, Dataset | null>): string {
  const hash = createHash('sha256').update(canonical(hashedSpec(spec)));
  for (const [name, set] of Object.entries(sets)) {
    if (!set) {
      hash.update(`\n${name}:none`);
      continue;
    }
    hash.update(`\n${name}:${set.count}x${set.features}->${set.targets}/${set.classes}\n`);
    for (const array of [set.x, set.y, set.labels]) {
      hash.update(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
    }
  }
  return hash.digest('hex');
}
