// The whole path from a data spec to train / validation / test sets, in a fixed order:
// load -> subset the training pool -> carve validation -> fit scaling on train -> gather + scale.

import { fingerprint } from './fingerprint.ts';
import { fitScaling, materialize } from './preprocess.ts';
import { memory } from './shared.ts';
import { loadSource } from './sources/index.ts';
import { carve, holdOutSize, selectSubset } from './split.ts';
import type { DataSpec, PreparedData, RandomSource } from './types.ts';

export interface PrepareOptions {
  /**
   * Allocate the prepared arrays in SharedArrayBuffers, so that shareData hands them out without
   * a copy (for a runner about to start worker threads). Default false.
   */
  shared?: boolean;
}

/**
 * Prepares the data a run trains on. `random` is drawn from, in this order, by the spiral source
 * (train then test), the CSV test split (without a test file) and the validation split (if
 * any); nothing else consumes it.
 */
export function prepareData(
  spec: DataSpec,
  random: RandomSource,
  options: PrepareOptions = {},
): PreparedData {
  const { raw, kept, held, testRows } = selectRows(spec, random);
  const output = {
    scaling: fitScaling(spec.scale ?? 'none', raw.train, kept, raw.range),
    target: spec.target ?? { kind: 'one_hot' as const },
    classes: raw.classes,
    memory: memory(options.shared ?? false),
  };
  const train = materialize(raw.train, kept, output);
  const validation = held && materialize(raw.train, held, output);
  const test = materialize(raw.test, testRows, output);
  return {
    train,
    validation,
    test,
    fingerprint: fingerprint(spec, { train, validation, test }),
    inputSize: train.features,
    outputSize: train.targets,
  };
}

/** The sizes prepareData would produce, without scaling or copying a sample. */
export interface DataShape {
  inputSize: number;
  outputSize: number;
  train: number;
  validation: number;
  test: number;
}

/**
 * What prepareData(spec, random) will produce, in sizes only, and the same errors it would throw:
 * cheap enough to validate a sweep's every run before any of them starts (sources are cached per
 * process, so the run that follows loads nothing twice).
 */
export function describeData(spec: DataSpec, random: RandomSource): DataShape {
  const { raw, kept, held, testRows } = selectRows(spec, random);
  return {
    inputSize: raw.train.features,
    outputSize: spec.target?.kind === 'one_vs_rest' ? 1 : raw.classes,
    train: kept.length,
    validation: held?.length ?? 0,
    test: testRows.length,
  };
}

/** Load the source, subset the training pool, carve validation, subset the test set. */
function selectRows(spec: DataSpec, random: RandomSource) {
  const raw = loadSource(spec.source, random);
  const pool = selectSubset(raw.train.labels, spec.subset, 'training pool');
  const validationSize = holdOutSize(spec.validation ?? 0, pool.length, 'validation');
  const { kept, held } =
    validationSize > 0 ? carve(pool, validationSize, random) : { kept: pool, held: null };
  const testRows = selectSubset(raw.test.labels, spec.testSubset, 'test set');
  return { raw, kept, held, testRows };
}
