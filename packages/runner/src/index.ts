// @ablate/runner: sweep files in, a results database out. The config half expands YAML into runs;
// the execution half trains them on worker threads and records everything in SQLite.
export * from './config/index.ts';
export * from './db/schema.ts';
export { ResultsWriter, type Provenance } from './db/writer.ts';
export {
  runSweep,
  SweepInputError,
  type SweepObserver,
  type SweepOptions,
  type SweepResult,
  type SweepStart,
} from './sweep/run-sweep.ts';
export { summarizeSweep, type GroupSummary, type SweepSummary, type BestRun } from './sweep/summary.ts';
export { trainRun } from './exec/train.ts';
export type { EpochReport, RunOutcome, RunProgress, TestReport } from './exec/messages.ts';
export { loadRunModel, encodeWeights, decodeWeights, type ExportedWeights } from './model/weights.ts';
export { modelSpecOf, optimizerSpecOf, lrAtEpoch } from './model/spec.ts';
