// @ablate/runner: sweep files in, a results database out. The config half expands YAML into runs;
// the execution half trains them on worker threads and records everything in SQLite.
export * from './config/index.ts';
export * from './db/index.ts';
export {
  runSweep,
  SweepInputError,
  type SweepObserver,
  type SweepOptions,
  type SweepResult,
  type SweepStart,
} from './sweep/run-sweep.ts';
export {
  summarizeSweep,
  type GroupSummary,
  type SweepSummary,
  type BestRunSummary,
} from './sweep/seed-groups.ts';
export { trainRun } from './exec/train.ts';
export type { EpochReport, RunOutcome, TestReport } from './exec/messages.ts';
export { loadRunModel, type ExportedWeights } from './model/weights.ts';
export { modelSpecOf, optimizerSpecOf, lrAtEpoch } from './model/build-model.ts';
