// The config half of the runner: sweep files in, planned runs out.
export { ConfigError, RunIssue } from './errors.ts';
export {
  loadSweep,
  parseSweep,
  planSweep,
  type PlannedRun,
  type PlanOptions,
  type SweepPlan,
} from './plan.ts';
export { formatPlan, formatDuration } from './format.ts';
export type { RunConfig, ModelConfig, TrainConfig, SweepConfig, SweepSpec } from './types.ts';
export { valueAt, type KeyPath } from './key-path.ts';
