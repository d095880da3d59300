// The end-of-sweep view: runs grouped by config minus seed, with the spread over seeds of each
// group's final accuracy (validation when the run has a validation set, test otherwise), and the
// sweep's honest winner (view/winner.js) over those groups, and its best run as the store ranks it.
import type { ResultsReader, RunStatus, SweepRun } from '../db/index.ts';
import { formatValue, shortNames } from '../view/format.js';
import { stoppedEarly } from '../view/early-stop.js';
import { ENDED_STATUSES } from '../view/statuses.js';
import { mean, std } from '../view/stats.js';
import { honestWinner, type HonestWinner } from '../view/winner.js';

export interface GroupSummary {
  groupId: string;
  /** The sweep's varying params without the seed. */
  params: Record<string, unknown>;
  runs: number;
  /** Mean and sample std of the final accuracy over the group's finished runs (null when none). */
  mean: number | null;
  std: number | null;
  finished: number;
  /** Of the finished runs, those early stopping ended: their final values are of the epoch it stopped at. */
  stoppedEarly: number;
  /**
   * Runs the stall rule stopped (status stalled, view/diagnosis.js): counted apart from finished,
   * like diverged, and left out of the mean and the winner.
   */
  stalled: number;
  diverged: number;
  /** Stopped at a rung by the sweep's prune rule: no final result, like diverged. */
  pruned: number;
  failed: number;
  /** Interrupted or never started. */
  unfinished: number;
}

export interface BestRunSummary {
  runId: string;
  label: string;
  accuracy: number;
}

export interface SweepSummary {
  /** Which accuracy the means are of: "val acc", "test acc", or "val/test acc" when runs differ. */
  metric: string;
  varying: string[];
  groups: GroupSummary[];
  /** The best group over its seeds and the groups the tests cannot separate from it (keys: groupId). */
  winner: HonestWinner;
  /** The best single run (possibly a lucky seed: see winner). */
  best: BestRunSummary | null;
}

/** A finished run's final accuracy: validation, or test for a run without a validation set. */
export function finalAccuracy(run: SweepRun): number | null {
  return run.status === 'finished' ? (run.results.final_val_acc ?? run.results.test_acc) : null;
}

/** A group's name: its values of the varying params ("lr=0.1 init=he_normal"), or "all runs". */
export function groupLabel(varying: readonly string[], params: Record<string, unknown>): string {
  const names = shortNames(varying);
  return varying.map((key, i) => `${names[i]}=${formatValue(params[key])}`).join(' ') || 'all runs';
}

/** The sweep's runs as they stand in the store, grouped, with the winner and the best finished run. */
export async function summarizeSweep(store: ResultsReader, sweepId: number): Promise<SweepSummary> {
  const [sweep, runs] = await Promise.all([store.sweep(sweepId), store.sweepRuns(sweepId)]);
  return summarizeRuns(sweep?.varying ?? [], runs);
}

/**
 * A sweep's runs (plan order, as sweepRuns reads them) grouped, with the winner and the best run.
 * Counted by status: a version-6 database's finished runs whose loss was flat count as finished
 * (that version recorded no verdict; ablate show still diagnoses them).
 */
export function summarizeRuns(sweepVarying: readonly string[], runs: readonly SweepRun[]): SweepSummary {
  const varying = sweepVarying.filter((key) => key !== 'seed');
  const metricsUsed = new Set<string>();
  const byGroup = new Map<string, SweepRun[]>();
  for (const run of runs) byGroup.set(run.groupId, [...(byGroup.get(run.groupId) ?? []), run]);
  const accuraciesOf = (members: SweepRun[]) => members.map(finalAccuracy).filter((value) => value !== null);
  const groups = [...byGroup].map(([groupId, members]): GroupSummary => {
    const accuracies = accuraciesOf(members);
    for (const run of members.filter((member) => finalAccuracy(member) !== null))
      metricsUsed.add(run.results.final_val_acc !== null ? 'val acc' : 'test acc');
    const count = (status: RunStatus) => members.filter((m) => m.status === status).length;
    return {
      groupId,
      params: Object.fromEntries(varying.map((key) => [key, members[0].params[key]])),
      runs: members.length,
      ...(accuracies.length ? { mean: mean(accuracies), std: std(accuracies) } : { mean: null, std: null }),
      finished: count('finished'),
      stoppedEarly: members.filter((m) => stoppedEarly(m.status, m.epochsDone, m.epochsPlanned)).length,
      stalled: count('stalled'),
      diverged: count('diverged'),
      pruned: count('pruned'),
      failed: count('failed'),
      unfinished:
        members.length -
        [...ENDED_STATUSES, 'pruned' as const, 'failed' as const].reduce((n, s) => n + count(s), 0),
    };
  });
  const top = runs.find((run) => run.rank === 1);
  const best = top ? { runId: top.id, label: top.label, accuracy: finalAccuracy(top)! } : null;
  const metric = metricsUsed.size === 1 ? [...metricsUsed][0] : 'val/test acc';
  const winner = honestWinner(
    groups.map((group) => ({
      key: group.groupId,
      label: groupLabel(varying, group.params),
      values: accuraciesOf(byGroup.get(group.groupId)!),
    })),
  );
  return { metric, varying, groups, winner, best };
}
