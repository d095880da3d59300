// `sweep.prune`: the rule that stops hopeless groups (a config over its seeds) early, one branch per
// rule with that rule's fields only, as the optimizer and the schedule have. The decisions
// themselves are sweep/prune.ts's; this file says what a rule is, its defaults, and which epochs
// it decides at (its rungs).
//
// The metric's direction follows from its name: a *_loss is better lower, a *_acc higher.
import { z } from 'zod';
import { RunIssue } from './errors.ts';

/** The epoch metrics a rule may judge by (db/records.ts' EpochMetrics of the same names). */
export const PRUNE_METRICS = ['val_loss', 'val_acc', 'train_loss', 'train_acc'] as const;
export type PruneMetric = (typeof PRUNE_METRICS)[number];

const metric = z.enum(PRUNE_METRICS);
const epoch = z.number().int().min(1);

const RULES = [
  /**
   * Stops a group whose value at a rung is worse than the median of the values there of the groups
   * planned before it that reached it (equal to the median goes on), once at least `minGroups`
   * such groups exist (Optuna's MedianPruner's startup trials).
   */
  z.strictObject({
    name: z.literal('median'),
    metric,
    /** The epochs it decides after, ascending; by default every epoch but the last. */
    rungs: z.array(epoch).min(1).optional(),
    minGroups: epoch.default(5),
  }),
  /**
   * Synchronous successive halving: rungs at epochs minEpochs * eta^i below the last epoch; at each
   * rung, of the groups that survived the one before, the best ceil(n / eta) go on.
   */
  z.strictObject({
    name: z.literal('halving'),
    metric,
    minEpochs: epoch,
    eta: z.number().int().min(2).default(3),
  }),
] as const;

export const PRUNE_RULES = RULES.map((rule) => rule.shape.name.value);

export const pruneRule = z.discriminatedUnion('name', RULES, {
  error: `expected one of ${PRUNE_RULES.join(', ')}`,
});

/** A rule with its defaults filled in. */
export type PruneRule = z.output<typeof pruneRule>;

/** Whether a lower value of the metric is better (a loss) or a higher one (an accuracy). */
export const lowerIsBetter = (metric: PruneMetric): boolean => metric.endsWith('_loss');

/** The epochs a run of `epochs` epochs stops at to ask the rule, ascending; all before its last. */
export function rungsOf(rule: PruneRule, epochs: number): number[] {
  if (rule.name === 'median') return rule.rungs ?? Array.from({ length: epochs - 1 }, (_, i) => i + 1);
  const rungs: number[] = [];
  for (let rung = rule.minEpochs; rung < epochs; rung *= rule.eta) rungs.push(rung);
  return rungs;
}

/**
 * What a rule needs of every run: rungs before its last epoch (a decision at or after it would stop
 * nothing), ascending, and the metric recorded (val_* needs a validation set).
 */
export function checkPruneRule(rule: PruneRule, run: { epochs: number; validation: boolean }): void {
  if (rule.name === 'median' && rule.rungs) {
    rule.rungs.forEach((rung, i) => {
      if (rung >= run.epochs)
        throw new RunIssue(
          `sweep.prune.rungs.${i}`,
          `expected an epoch before the last (train.epochs is ${run.epochs}), found ${rung}`,
        );
      if (i > 0 && rung <= rule.rungs![i - 1])
        throw new RunIssue(`sweep.prune.rungs.${i}`, `expected rungs in increasing order, found ${rung}`);
    });
  }
  if (rule.name === 'halving' && rule.minEpochs >= run.epochs)
    throw new RunIssue(
      'sweep.prune.minEpochs',
      `expected an epoch before the last (train.epochs is ${run.epochs}), found ${rule.minEpochs}`,
    );
  if (rule.metric.startsWith('val_') && !run.validation)
    throw new RunIssue(
      'sweep.prune.metric',
      `expected a validation set (data.validation) to prune on ${rule.metric}, found none`,
    );
}

/**
 * The most epochs a pruned sweep can train, over groups given by their epochs and runs (seeds):
 * the rule pruning as little as it may. Halving keeps exactly ceil(n / eta) groups at each rung,
 * and at worst those are the longest; median may prune nothing at all.
 */
export function worstCaseEpochs(
  rule: PruneRule,
  groups: ReadonlyArray<{ epochs: number; runs: number }>,
): number {
  const full = (group: { epochs: number; runs: number }) => group.epochs * group.runs;
  if (rule.name === 'median') return groups.reduce((sum, group) => sum + full(group), 0);
  const rungs = rungsOf(rule, Math.min(...groups.map((group) => group.epochs)));
  // How many groups go on past each rung: ceil(n / eta) of the n that reached it.
  const kept: number[] = [];
  for (let n = groups.length, i = 0; i < rungs.length; i++) kept.push((n = Math.ceil(n / rule.eta)));
  return [...groups]
    .sort((a, b) => b.epochs - a.epochs)
    .reduce((sum, group, j) => {
      const prunedAt = rungs.findIndex((_, i) => j >= kept[i]);
      return sum + (prunedAt < 0 ? full(group) : rungs[prunedAt] * group.runs);
    }, 0);
}
