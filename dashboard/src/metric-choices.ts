// Which metrics a page offers and which it shows first. The names are the results store's (epoch
// metrics, run results, layer statistics), so a name means the same thing in a query string, a
// JSON payload and the store; values are picked out in code, never spliced into SQL.
//
// Lists that offer a choice are in the order a default is picked: validation first, then test,
// then training. A sweep without a validation set (val_* NULL everywhere) so opens on numbers.
import type { RunResult } from '@ablate/runner/store';

export { EPOCH_METRICS, LAYER_STATISTICS, type EpochMetric, type LayerStatistic } from '@ablate/runner/store';

/** The epoch metrics drawn as curves. */
export const CURVE_METRICS = ['val_acc', 'val_loss', 'train_acc', 'train_loss'] as const;
export type CurveMetric = (typeof CURVE_METRICS)[number];

/** The store's run results (RUN_RESULTS), in the order a default is picked. */
export const FINAL_METRICS = [
  'final_val_acc',
  'best_val_acc',
  'final_val_loss',
  'best_val_loss',
  'test_acc',
  'test_loss',
  'final_train_acc',
  'final_train_loss',
] as const satisfies readonly RunResult[];
export type FinalMetric = (typeof FINAL_METRICS)[number];

/** The first choice that has data; the first choice when none has any yet. */
function firstWithData<T extends string>(choices: readonly T[], withData: readonly string[]): T {
  return choices.find((metric) => withData.includes(metric)) ?? choices[0];
}

/** A metric select's options, those with at least one value, and the one to show by default. */
export interface MetricChoice<T extends string> {
  choices: readonly T[];
  withData: T[];
  preferred: T;
}

export function metricChoice<T extends string>(
  choices: readonly T[],
  withData: readonly string[],
): MetricChoice<T> {
  return {
    choices,
    withData: choices.filter((metric) => withData.includes(metric)),
    preferred: firstWithData(choices, withData),
  };
}
