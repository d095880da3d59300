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

/** The kinds whose map is one for every feature, from the largest magnitude alone. */
export type UniformScaleKind = Exclude<ScaleKind, 'zscore'>;

/**
 * The map every feature shares, given the largest magnitude `d` (a format's fixed range, or the
 * training rows'). Exported so that a model's input can be scaled without its training set (the
 * dashboard's digit page); zscore, fitted per feature on the rows, cannot be.
 */
export function uniformScaling(kind: UniformScaleKind, d: number): { offset: number; factor: number } {
  const factor = kind === 'none' || d <= 0 ? 1 : 1 / d;
  const offset = kind !== 'mean_shift' ? 0 : d > 0 ? d / 2 : 0.5; // x/d - 0.5 = (x - d/2)/d
  return { offset, factor };
}

/** Fits the scaling on `rows` of the training pool; `range` is the format's value range, if fixed. */
export function fitScaling(kind: ScaleKind, set: RawSet, rows: Int32Array, range: number | null): Scaling {
  const F = set.features;
  const offset = new Float64Array(F);
  const factor = new Float64Array(F).fill(1);
  if (kind === 'zscore') fitZscore(set, rows, offset, factor);
  else {
    // 'none' ignores the magnitude: no pass over the rows for it.
    const shared = uniformScaling(kind, kind === 'none' ? 0 : (range ?? largestMagnitude(set, rows)));
    offset.fill(shared.offset);
    factor.fill(shared.factor);
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
