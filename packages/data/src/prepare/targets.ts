// Targets: what `y` holds for each sample, from its class label.

import type { Allocator } from '../shared.ts';
import type { TargetSpec } from '../types.ts';

/** The target's number of `y` columns, or an error if it cannot apply to data with `classes` classes. */
export function checkTarget(target: TargetSpec, classes: number): { target: TargetSpec; columns: number } {
  if (target.kind === 'one_hot') return { target, columns: classes };
  if (target.positive >= classes) {
    throw new Error(
      `target one_vs_rest: positive class ${target.positive}, expected an integer from 0 to ${classes - 1}`,
    );
  }
  return { target, columns: 1 };
}

/** `y` for the given labels, and its width and class count as a Dataset records them. */
export function encodeTargets(labels: Int32Array, target: TargetSpec, classes: number, allocate: Allocator) {
  if (target.kind === 'one_hot') {
    const y = allocate.floats(labels.length * classes);
    labels.forEach((label, i) => (y[i * classes + label] = 1));
    return { y, targets: classes, classes };
  }
  const y = allocate.floats(labels.length);
  labels.forEach((label, i) => (y[i] = label === target.positive ? 1 : 0));
  return { y, targets: 1, classes: 2 };
}
