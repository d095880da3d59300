// `ablate confirm`: are a sweep's leading groups still leading on seeds they were not chosen by?
// The K groups with the best means are planned again, as a new version of the sweep (runSweep's
// versioning: the runs of the sweep's own seeds are shared, not retrained), with N fresh seeds
// after the largest the sweep used. Groups are chosen by their means over the sweep's seeds, so
// those means flatter them; the fresh seeds' means do not, and are what the ranking is judged on.
import type { ResultsReader, SweepRecord } from '../db/index.ts';
import { planSweep, type SweepConfig, type SweepPlan } from '../config/index.ts';
import { valueAt } from '../config/key-path.ts';
import { mean, std } from '../view/stats.js';
import { honestWinner, type HonestWinner } from '../view/winner.js';
import { finalAccuracy, groupLabel, summarizeRuns } from './seed-groups.ts';

/** What confirming a sweep plans: the new version, and which groups and seeds it holds. */
export interface ConfirmPlan {
  plan: SweepPlan;
  /** The leading groups (key: the groupId, config hash without the seed), best mean first, named as in the sweep. */
  groups: Array<{ key: string; label: string }>;
  /** The sweep's seeds and the fresh ones, disjoint. */
  sweepSeeds: number[];
  freshSeeds: number[];
}

/** Why a sweep cannot be confirmed as asked: bad input, said in one line. */
export class ConfirmInputError extends Error {
  override name = 'ConfirmInputError';
}

/** The paths a sweep's axes set: grid keys, link keys, sampled params. */
function axisPaths(spec: SweepConfig['sweep']): string[] {
  return [
    ...Object.keys(spec.grid),
    ...spec.link.flatMap((group) => Object.keys(group)),
    ...Object.keys(spec.sample?.params ?? {}),
  ];
}

/**
 * The new version of `sweep` that retrains its `top` leading groups with `seeds` fresh seeds. Each
 * group is written as one point of a link over every axis path (its values read from a run's own
 * config), so any grid, link or sample reduces to exactly those groups, each over the sweep's seeds
 * (shared runs: reused) and the fresh ones.
 */
export async function planConfirm(
  reader: ResultsReader,
  sweep: SweepRecord,
  top: number,
  seeds: number,
): Promise<ConfirmPlan> {
  const runs = await reader.sweepRuns(sweep.id);
  const summary = summarizeRuns(sweep.varying, runs);
  const ranked = summary.groups.filter((group) => group.mean !== null).sort((a, b) => b.mean! - a.mean!);
  if (!ranked.length)
    throw new ConfirmInputError(`sweep ${sweep.id} (${sweep.name}) has no finished run yet: train it first`);
  if (top > ranked.length)
    throw new ConfirmInputError(
      `--top ${top}: sweep ${sweep.id} (${sweep.name}) has ${ranked.length} group${ranked.length === 1 ? '' : 's'} with a finished run`,
    );
  const leading = ranked.slice(0, top);
  const config = sweep.config as SweepConfig;
  const paths = axisPaths(config.sweep);
  const values = await Promise.all(
    leading.map(async (group) => {
      const member = (await reader.run(runs.find((run) => run.groupId === group.groupId)!.id))!;
      return paths.map((key) => valueAt(member.config, key.split('.')));
    }),
  );
  const sweepSeeds = [...new Set(runs.map((run) => run.seed))].sort((a, b) => a - b);
  const after = Math.max(...sweepSeeds);
  const freshSeeds = Array.from({ length: seeds }, (_, i) => after + 1 + i);
  const {
    grid: _grid,
    link: _link,
    sample: _sample,
    exclude: _exclude,
    maxRuns: _maxRuns,
    // Confirming retrains the leaders to their last epoch: pruning them would not answer it.
    prune: _prune,
    ...rest
  } = config.sweep;
  const plan = planSweep({
    ...config,
    sweep: {
      ...rest,
      link: paths.length
        ? [Object.fromEntries(paths.map((key, i) => [key, values.map((row) => row[i])]))]
        : [],
      seeds: [...sweepSeeds, ...freshSeeds],
    },
  });
  const groups = leading.map((group) => ({
    key: group.groupId,
    label: groupLabel(summary.varying, group.params),
  }));
  return { plan, groups, sweepSeeds, freshSeeds };
}

/** One group's final metric over some seeds. */
export interface SeedStats {
  n: number;
  mean: number | null;
  std: number | null;
}

export interface ConfirmedGroup {
  key: string;
  label: string;
  /** Over the seeds of the sweep it was chosen by. */
  sweep: SeedStats;
  /** Over the fresh seeds alone. */
  fresh: SeedStats;
  /** fresh.mean - sweep.mean: how much choosing the group by these seeds flattered it. */
  change: number | null;
}

export interface ConfirmResult {
  /** The sweep confirmed, and the new version holding the leading groups over every seed. */
  sweepId: number;
  versionId: number;
  metric: string;
  sweepSeeds: number[];
  freshSeeds: number[];
  /** The leading groups, best sweep mean first. */
  groups: ConfirmedGroup[];
  /** The sweep's leader's rank by its mean over the fresh seeds (1: the ranking holds at the top). */
  leaderRank: number | null;
  /** The winner and tie set on the fresh seeds alone, and over every seed of the new version. */
  fresh: HonestWinner;
  all: HonestWinner;
}

const stats = (values: number[]): SeedStats =>
  values.length
    ? { n: values.length, mean: mean(values), std: std(values) }
    : { n: 0, mean: null, std: null };

/** Compares the leading groups on the sweep's seeds and the fresh ones, once the new version trained. */
export async function compareConfirmed(
  reader: ResultsReader,
  sweep: SweepRecord,
  versionId: number,
  confirm: ConfirmPlan,
): Promise<ConfirmResult> {
  const runs = await reader.sweepRuns(versionId);
  const fresh = new Set(confirm.freshSeeds);
  const finalOf = (key: string, seedWanted: (seed: number) => boolean) =>
    runs
      .filter((run) => run.groupId === key && seedWanted(run.seed))
      .map(finalAccuracy)
      .filter((value) => value !== null);
  const isFresh = (seed: number) => fresh.has(seed);
  const groups = confirm.groups.map(({ key, label }): ConfirmedGroup => {
    const before = stats(finalOf(key, (seed) => !isFresh(seed)));
    const after = stats(finalOf(key, isFresh));
    return {
      key,
      label,
      sweep: before,
      fresh: after,
      change: before.mean !== null && after.mean !== null ? after.mean - before.mean : null,
    };
  });
  const winnerOver = (seedWanted: (seed: number) => boolean) =>
    honestWinner(confirm.groups.map(({ key, label }) => ({ key, label, values: finalOf(key, seedWanted) })));
  const byFresh = groups
    .filter((group) => group.fresh.mean !== null)
    .sort((a, b) => b.fresh.mean! - a.fresh.mean!);
  const rank = byFresh.findIndex((group) => group.key === groups[0].key);
  return {
    sweepId: sweep.id,
    versionId,
    metric: summarizeRuns([], runs).metric,
    sweepSeeds: confirm.sweepSeeds,
    freshSeeds: confirm.freshSeeds,
    groups,
    leaderRank: rank < 0 ? null : rank + 1,
    fresh: winnerOver(isFresh),
    all: winnerOver(() => true),
  };
}
