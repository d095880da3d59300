// Scaling and targets. Every scaling is one affine map per feature, x' = (x - offset) * factor,
// fitted on the training rows only and then applied unchanged to validation and test, so no
// statistic ever sees held-out data.

import type { Memory } from './shared.ts';
import type { RawSet } from './sources/raw.ts';
import type { DataSpec, Dataset, TargetSpec } from './types.ts';

export interface Scaling {
  offset: Float64Array;
  factor: Float64Array;
}

type ScaleKind = NonNullable<DataSpec['scale']>;

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
    default:
      throw new Error(`unknown scale "${kind as string}", expected none, unit, mean_shift or zscore`);
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

/** Everything materialize needs besides the rows: fitted on training, shared by all three sets. */
export interface Output {
  scaling: Scaling;
  target: TargetSpec;
  classes: number;
  memory: Memory;
}

/** Gathers `rows` of a raw set into a scaled, flat Dataset with the requested targets. */
export function materialize(
  set: RawSet,
  rows: Int32Array,
  { scaling, target, classes, memory }: Output,
): Dataset {
  const F = set.features;
  const count = rows.length;
  const x = memory.floats(count * F);
  const { offset, factor } = scaling;
  for (let i = 0; i < count; i++) {
    const src = rows[i] * F;
    const dst = i * F;
    for (let f = 0; f < F; f++) x[dst + f] = (set.x[src + f] - offset[f]) * factor[f];
  }
  const labels = memory.ints(count);
  rows.forEach((row, i) => (labels[i] = set.labels[row]));
  return { x, labels, count, features: F, ...encodeTargets(labels, target, classes, memory) };
}

function encodeTargets(labels: Int32Array, target: TargetSpec, classes: number, memory: Memory) {
  if (target.kind === 'one_hot') {
    const y = memory.floats(labels.length * classes);
    labels.forEach((label, i) => (y[i * classes + label] = 1));
    return { y, targets: classes, classes };
  }
  if (target.kind === 'one_vs_rest') {
    const { positive } = target;
    if (!Number.isInteger(positive) || positive < 0 || positive >= classes) {
      throw new Error(
        `target one_vs_rest: positive class ${positive}, expected an integer from 0 to ${classes - 1}`,
      );
    }
    const y = memory.floats(labels.length);
    labels.forEach((label, i) => (y[i] = label === positive ? 1 : 0));
    return { y, targets: 1, classes: 2 };
  }
  throw new Error(
    `unknown target kind "${(target as { kind: unknown }).kind}", expected one_hot or one_vs_rest`,
  );
}
