// Choosing which samples go where. Everything works on index arrays into a pool, so a split is
// disjoint by construction (a permutation is cut in two) and nothing is copied until the end.

import type { RawSet } from '../sources/raw.ts';
import type { RandomSource, SubsetSpec } from '../types.ts';

/** 0..n-1. */
export function allIndices(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i);
}

/** The rows of `set` kept by a subset, in pool order. `what` names the set in errors. */
export function selectSubset(set: RawSet, subset: SubsetSpec | undefined, what: string): Int32Array {
  const { labels, origin } = set;
  if (!subset) return allIndices(labels.length);
  if ('first' in subset) {
    const n = subset.first;
    if (!Number.isInteger(n) || n < 1 || n > labels.length) {
      throw new Error(
        `${what}: subset first ${n}, expected an integer from 1 to the pool size ${labels.length} in ${origin}`,
      );
    }
    return allIndices(n);
  }
  const n = subset.perClass;
  const taken = new Map<number, number>();
  const picked: number[] = [];
  labels.forEach((label, i) => {
    const seen = taken.get(label) ?? 0;
    if (seen < n) picked.push(i);
    taken.set(label, seen + 1);
  });
  for (const [label, seen] of taken) {
    if (seen < n)
      throw new Error(
        `${what}: subset perClass ${n}, but class ${label} has only ${seen} samples in ${origin}`,
      );
  }
  return Int32Array.from(picked);
}

/**
 * How many of `size` samples to hold out: a count (integer >= 1) or a fraction in (0, 1), rounded,
 * leaving at least one sample on each side. `what` names the setting and `origin` the data in errors.
 */
export function holdOutSize(amount: number, size: number, what: string, origin: string): number {
  const held = amount > 0 && amount < 1 ? Math.round(amount * size) : amount;
  if (!Number.isInteger(held) || held < 0 || (amount > 0 && (held < 1 || held >= size))) {
    throw new Error(
      `${what} ${amount} of ${size} samples in ${origin}, expected a count from 1 to ${size - 1} or a fraction that leaves both sides non-empty`,
    );
  }
  return held;
}

/** Cuts a seeded permutation of `pool`: `held` samples out, the rest kept, each in pool order. */
export function carve(
  pool: Int32Array,
  held: number,
  random: RandomSource,
): { kept: Int32Array; held: Int32Array } {
  const order = random.permutation(pool.length);
  const pick = (from: number, to: number) =>
    order
      .slice(from, to)
      .sort()
      .map((i) => pool[i]);
  return { held: pick(0, held), kept: pick(held, pool.length) };
}
