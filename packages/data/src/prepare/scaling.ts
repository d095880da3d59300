// Input scaling. Every scaling is one affine map per feature, x' = (x - offset) * factor, fitted on
// the training rows only and then applied unchanged to validation and test, so no statistic ever
// sees held-out data.

import type { RawSet } from '../sources/raw.ts';
import type { DataSpec } from '../types.ts';

export type ScaleKind = NonNullable<DataSpec['scale']>;

/** Per-feature map x' = (x - offset) * factor. */
export interface Scaling {
  offset: Float64Array;
  factor: Float64Array;
}

/** Fits the scaling on `rows` of the training pool; `range` is the format's value range, if fixed. */
export function fitScaling(kind: ScaleKind, set: RawSet, rows: Int32Array, range: number | null): Scaling {
  const F = set.features;
  const offset = new Float64Array(F);
  const factor = new Float64Array(F).fill(1);
  switch (kind) {
    case 'none':
      break;
    case 'unit':
    case 'mean_shift': {
      const d = range ?? largestMagnitude(set, rows);
      factor.fill(d > 0 ? 1 / d : 1);
      if (kind === 'mean_shift') offset.fill(d > 0 ? d / 2 : 0.5); // x/d - 0.5 = (x - d/2)/d
      break;
    }
    case 'zscore':
      fitZscore(set, rows, offset, factor);
      break;
  }
  return { offset, factor };
}

function largestMagnitude(set: RawSet, rows: Int32Array): number {
  let max = 0;
  for (const row of rows) {
    for (const v of set.x.subarray(row * set.features, (row + 1) * set.features))
      max = Math.max(max, Math.abs(v));
  }
  return max;
}

/** Mean and population std per feature; a feature constant in training maps to 0 (factor 0), not NaN. */
function fitZscore(set: RawSet, rows: Int32Array, mean: Float64Array, factor: Float64Array): void {
  const F = set.features;
  const sumSq = new Float64Array(F);
  const min = new Float64Array(F).fill(Infinity);
  const max = new Float64Array(F).fill(-Infinity);
  for (const row of rows) {
    const base = row * F;
    for (let f = 0; f < F; f++) {
      const v = set.x[base + f];
      mean[f] += v;
      if (v < min[f]) min[f] = v;
      if (v > max[f]) max[f] = v;
    }
  }
  for (let f = 0; f < F; f++) mean[f] /= rows.length;
  // Second pass over deviations: sum((x - mean)^2) doesn't cancel catastrophically like E[x^2] - mean^2.
  for (const row of rows) {
    const base = row * F;
    for (let f = 0; f < F; f++) sumSq[f] += (set.x[base + f] - mean[f]) ** 2;
  }
  // Constant is decided by min === max, exactly, rather than by a variance threshold that rounding
  // can land on either side of.
  for (let f = 0; f < F; f++) factor[f] = min[f] === max[f] ? 0 : 1 / Math.sqrt(sumSq[f] / rows.length);
}
