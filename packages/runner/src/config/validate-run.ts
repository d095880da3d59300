// The checks a resolved run needs beyond its schema: fields that depend on each other (at planning,
// without touching the data) and fields that depend on the data (once it is prepared, before any
// run starts). Problems come back as RunIssues naming the run-config key at fault.
import { checkArchitecture, checkModelSpec, SpecError } from '@ablate/layers';
import { MODEL_SPEC_SOURCES, modelSpecOf } from '../model/build-model.ts';
import { RunIssue } from './errors.ts';
import { checkSchedule } from './schedule.ts';
import type { RunConfig } from './types.ts';

/** A layers SpecError as a RunIssue at the run-config key the model spec's key comes from. */
function blameModel(step: () => void): void {
  try {
    step();
  } catch (error) {
    if (!(error instanceof SpecError)) throw error;
    const key = error.path[0] as keyof typeof MODEL_SPEC_SOURCES | undefined;
    throw new RunIssue(key ? MODEL_SPEC_SOURCES[key] : 'model', error.reason);
  }
}

/** The checks that need no data: the model's fields agree with each other, and the train's. */
export function checkRun(run: Omit<RunConfig, 'seed'>): void {
  blameModel(() => checkArchitecture(run.model));
  checkSchedule(run.train);
  if (run.model.batchNorm && run.train.batchSize === 1)
    throw new RunIssue(
      'train.batchSize',
      'expected at least 2 with model.batchNorm (a batch of 1 has no variance to normalize by), found 1',
    );
  const { earlyStop } = run.train;
  if (earlyStop && !run.data.validation)
    throw new RunIssue(
      'train.earlyStop.metric',
      `expected a validation set (data.validation) to stop on ${earlyStop.metric}, found none`,
    );
}

/** The checks that need the prepared data: sizes, and the model's fit to the data's input and output. */
export function checkRunOnData(
  run: RunConfig,
  data: { train: { count: number }; inputSize: number; outputSize: number },
): void {
  const { batchSize } = run.train;
  if (batchSize > data.train.count) {
    throw new RunIssue(
      'train.batchSize',
      `${batchSize} is larger than the training set (${data.train.count} samples after subset and validation)`,
    );
  }
  const last = data.train.count % batchSize;
  if (run.model.batchNorm && run.train.keepLastBatch && last === 1)
    throw new RunIssue(
      'train.keepLastBatch',
      `expected false with model.batchNorm: ${data.train.count} samples in batches of ${batchSize} leave a last batch of 1, which has no variance to normalize by`,
    );
  blameModel(() => checkModelSpec(modelSpecOf(run, data.inputSize, data.outputSize)));
}
