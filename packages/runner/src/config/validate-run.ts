// The checks a resolved run needs beyond its schema: fields that depend on each other or on the data.
import { checkModelSpec } from '@ablate/layers';
import { modelSpecOf } from '../model/spec.ts';
import { dataShape, type DataShape } from './data-shape.ts';
import { RunIssue } from './errors.ts';
import { OPTIMIZER_FIELDS } from './schema.ts';
import type { RunConfig } from './types.ts';

// checkModelSpec names ModelSpec keys; these are the run-config keys a person would edit instead.
const MODEL_SPEC_PATHS: Record<string, string> = {
  input: 'data.source',
  output: 'model.outputActivation',
  init: 'train.init',
  biasInit: 'train.biasInit',
};

/** Throws a RunIssue naming the run-config path at fault; `varying` are the paths the grid sets. */
export function checkRun(run: RunConfig, varying: ReadonlySet<string>): DataShape {
  const shape = dataShape(run.data);
  const { train } = run;
  if (train.batchSize > shape.train) {
    throw new RunIssue(
      'train.batchSize',
      `${train.batchSize} is larger than the training set (${shape.train} samples after subset and validation)`,
    );
  }
  try {
    checkModelSpec(modelSpecOf(run, shape.input, shape.output));
  } catch (error) {
    // Its messages read "model.<key>...: <what>"; anything else is reported against the model.
    const text = (error as Error).message;
    const [, key, message] = /^model\.(\w*)[^:]*: (.*)$/.exec(text) ?? ['', '', text];
    throw new RunIssue(MODEL_SPEC_PATHS[key] ?? `model.${key}`, message);
  }
  // A grid over a field the optimizer never reads plans runs that differ only in their ids.
  for (const [field, readers] of Object.entries(OPTIMIZER_FIELDS)) {
    if (varying.has(`train.${field}`) && !readers.includes(train.optimizer)) {
      throw new RunIssue(
        `train.${field}`,
        `varies, but optimizer ${train.optimizer} ignores it (read by ${readers.join(', ')}); set train.optimizer`,
      );
    }
  }
  return shape;
}
