// The only copy of the samples: rows gathered from a raw set, scaled, with their targets.

import type { Allocator } from '../shared.ts';
import type { RawSet } from '../sources/raw.ts';
import type { Dataset, TargetSpec } from '../types.ts';
import type { Scaling } from './scaling.ts';
import { encodeTargets } from './targets.ts';

/** Everything materialize needs besides the rows: fitted on training, shared by all three sets. */
export interface Recipe {
  scaling: Scaling;
  target: TargetSpec;
  classes: number;
  allocate: Allocator;
}

/** Gathers `rows` of a raw set into a scaled, flat Dataset with the requested targets. */
export function materialize(
  set: RawSet,
  rows: Int32Array,
  { scaling, target, classes, allocate }: Recipe,
): Dataset {
  const F = set.features;
  const count = rows.length;
  const x = allocate.floats(count * F);
  const { offset, factor } = scaling;
  for (let i = 0; i < count; i++) {
    const src = rows[i] * F;
    const dst = i * F;
    for (let f = 0; f < F; f++) x[dst + f] = (set.x[src + f] - offset[f]) * factor[f];
  }
  const labels = allocate.ints(count);
  rows.forEach((row, i) => (labels[i] = set.labels[row]));
  return { x, labels, count, features: F, ...encodeTargets(labels, target, classes, allocate) };
}
