// The whole path from a data spec to train / validation / test sets, in a fixed order:
// load -> subset the training pool -> carve validation -> fit scaling on train -> gather + scale.

import { allocator } from '../shared.ts';
import { loadSource } from '../sources/index.ts';
import type { DataSpec, PreparedData, RandomSource } from '../types.ts';
import { fingerprint } from './fingerprint.ts';
import { materialize } from './materialize.ts';
import { checkScale, fitScaling } from './scaling.ts';
import { carve, holdOutSize, selectSubset } from './split.ts';
import { checkTarget } from './targets.ts';

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
  const { raw, kept, held, testRows, scale, target } = plan(spec, random);
  const recipe = {
    scaling: fitScaling(scale, raw.train, kept, raw.range),
    target,
    classes: raw.classes,
    allocate: allocator(options.shared ?? false),
  };
  const train = materialize(raw.train, kept, recipe);
  const validation = held && materialize(raw.train, held, recipe);
  const test = materialize(raw.test, testRows, recipe);
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
  /** Sample counts of each set (validation 0 when there is none). */
  train: number;
  validation: number;
  test: number;
}

/**
 * What prepareData(spec, random) will produce, in sizes only, and the same errors it would throw:
 * cheap enough to validate a sweep's every run before any of them starts (IDX files are cached per
 * process, so an MNIST run that follows parses nothing twice).
 */
export function describeData(spec: DataSpec, random: RandomSource): DataShape {
  const { raw, kept, held, testRows, columns } = plan(spec, random);
  return {
    inputSize: raw.train.features,
    outputSize: columns,
    train: kept.length,
    validation: held?.length ?? 0,
    test: testRows.length,
  };
}

/**
 * Everything decided before a sample is scaled: the source loaded, the rows of each set chosen,
 * the scale and target checked. Both entry points go through it, so they fail alike.
 */
function plan(spec: DataSpec, random: RandomSource) {
  const raw = loadSource(spec.source, random);
  const pool = selectSubset(raw.train, spec.subset, 'training pool');
  const validationSize = holdOutSize(spec.validation ?? 0, pool.length, 'validation', raw.train.origin);
  const { kept, held } =
    validationSize > 0 ? carve(pool, validationSize, random) : { kept: pool, held: null };
  const testRows = selectSubset(raw.test, spec.testSubset, 'test set');
  const scale = checkScale(spec.scale);
  const { target, columns } = checkTarget(spec.target, raw.classes);
  return { raw, kept, held, testRows, scale, target, columns };
}
