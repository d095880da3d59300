// How a run's status counts, once, for the trainer's stores, the CLI and the dashboard (whose
// browser code imports this file as it is).

/**
 * Statuses that end a run for good: results, kept as they are, never claimed or trained again.
 * `stalled` is a run the stall rule stopped (view/diagnosis.js), evaluated and stored as a finished
 * one is.
 */
export const ENDED_STATUSES = ['finished', 'diverged', 'stalled'];

/**
 * Statuses that end a run without a comparable result: data, not a crash. Counted per cell (the
 * CLI report, sweep --json's groups, the dashboard's heatmap), left out of means, tests, the
 * ANOVA and the winner. A stalled run's test values describe a network that did not learn, not
 * its setting; a diverged run has none; a pruned run stopped at a rung of the sweep's prune rule
 * (its final values are of that epoch, and --no-prune may train it on).
 */
export const NO_RESULT_STATUSES = ['diverged', 'stalled', 'pruned'];

/**
 * Statuses of a run evaluated at its end: test results, weights, and its last checkpoint kept, so
 * a longer run of its lineage continues from it (and stops where it did, when a rule ended it).
 */
export const EVALUATED_STATUSES = ['finished', 'stalled'];

/**
 * What of a cell's or group's runs ended without a comparable result, each after `separator`
 * (", 1 diverged, 2 stalled"); "" when none. counts: {diverged, stalled, pruned} as numbers.
 */
export function withoutResult(counts, separator = ', ') {
  return NO_RESULT_STATUSES.filter((status) => counts[status] > 0)
    .map((status) => `${separator}${counts[status]} ${status}`)
    .join('');
}
