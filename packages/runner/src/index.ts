// @ablate/runner: sweep files in, a results database out. The config half expands YAML (or an
// object, planSweep) into runs; the execution half trains them on training threads and records
// everything in the results store (SQLite or PostgreSQL). README.md, "Using Ablate from
// TypeScript", shows the three calls a script makes.
export * from './config/index.ts';
export * from './db/index.ts';
export { runSweep, type SweepOptions, type SweepResult } from './sweep/run-sweep.ts';
export { SweepInputError } from './sweep/open-store.ts';
export type { SweepObserver, SweepStart } from './sweep/observer.ts';
export {
  summarizeSweep,
  summarizeRuns,
  groupLabel,
  finalAccuracy,
  type GroupSummary,
  type SweepSummary,
  type BestRunSummary,
} from './sweep/seed-groups.ts';
export { trainRun } from './exec/train.ts';
export { loadRunModel } from './model/weights.ts';
export { modelSpecOf, optimizerSpecOf } from './model/build-model.ts';
export { lrAtEpoch, SCHEDULES, type ScheduleConfig } from './config/schedule.ts';
