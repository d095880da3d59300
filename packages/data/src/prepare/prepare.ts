// The whole path from a data spec to train / validation / test sets, in a fixed order:
// resolve the spec -> load -> subset the training pool -> carve validation -> fit scaling on train -> gather + scale.

import { allocator } from '../shared.ts';
import { loadSource } from '../sources/index.ts';
import type { DataSpec, PreparedData, RandomSource } from '../types.ts';
import { fingerprint } from './fingerprint.ts';
import { materialize } from './materialize.ts';
import { blame, resolveDataSpec } from '../spec.ts';
import { fitScaling } from './scaling.ts';
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
  const { spec: resolved, raw, kept, held, testRows, scale, target } = plan(spec, random);
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
    fingerprint: fingerprint(resolved, { train, validation, test }),
    inputSize: train.features,
    outputSize: train.targets,
  };
}

/**
 * Everything decided before a sample is scaled: the spec resolved, the source loaded, the rows of
 * each set chosen, the target checked. Each step's errors are blamed on the key that drives it.
 */
function plan(given: DataSpec, random: RandomSource) {
  const spec = resolveDataSpec(given);
  const raw = blame('source', () => loadSource(spec.source, random));
  const pool = blame('subset', () => selectSubset(raw.train, spec.subset, 'training pool'));
  const validationSize = blame('validation', () =>
    holdOutSize(spec.validation, pool.length, 'validation', raw.train.origin),
  );
  const { kept, held } =
    validationSize > 0 ? carve(pool, validationSize, random) : { kept: pool, held: null };
  const testRows = blame('testSubset', () => selectSubset(raw.test, spec.testSubset, 'test set'));
  const { target, columns } = blame('target', () => checkTarget(spec.target, raw.classes));
  return { spec, raw, kept, held, testRows, scale: spec.scale, target, columns };
}
