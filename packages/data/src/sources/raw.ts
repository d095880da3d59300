// What every source hands to preparation: unscaled samples in their original order.

export interface RawSet {
  /** (count, features), row-major; uint8 for IDX images so the per-process cache stays small. */
  x: Uint8Array | Float32Array;
  labels: Int32Array;
  count: number;
  features: number;
  /** Where the samples were read from, for error messages: a file path, or a built-in set's name. */
  origin: string;
}

export interface RawSource {
  train: RawSet;
  test: RawSet;
  /** Number of classes (largest label + 1 across train and test). */
  classes: number;
  /** The fixed value range of the format (255 for 8-bit images), or null to take it from the data. */
  range: number | null;
}

/** Largest label + 1 over the given sets. */
export function classCount(...sets: RawSet[]): number {
  let max = -1;
  for (const set of sets) for (const label of set.labels) if (label > max) max = label;
  return max + 1;
}

/** The given rows of a set, copied, in the given order. */
export function takeRows(set: RawSet, rows: Int32Array): RawSet {
  const x = new Float32Array(rows.length * set.features);
  rows.forEach((row, i) =>
    x.set(set.x.subarray(row * set.features, (row + 1) * set.features), i * set.features),
  );
  return {
    x,
    labels: rows.map((row) => set.labels[row]),
    count: rows.length,
    features: set.features,
    origin: set.origin,
  };
}
