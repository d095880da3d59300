// A sweep's prune rule at work on a results store: which epochs a run stops at, and the decision
// for a run at one, from what the store has recorded (prune.ts decides; this reads). Everything
// comes from the store, the rule included (the sweep's recorded config), so the sweep command and a
// worker on another machine ask the same question of the same data, and get the same answer.
import type { PlannedRun } from '../config/index.ts';
import type { PruneRule } from '../config/prune-rule.ts';
import type { PruneRecord, ResultsReader, SweepRun } from '../db/index.ts';
import { EVALUATED_STATUSES } from '../view/statuses.js';
import {
  decisionAt,
  groupRungs,
  pruneDecisions,
  type PruneDecision,
  type PruneGroup,
  type RunTrace,
} from './prune.ts';

export interface Pruner {
  rule: PruneRule;
  /** The epochs a run of the sweep stops after to ask. */
  rungs(run: Pick<PlannedRun, 'groupId'>): number[];
  /** The decision for a run whose last committed epoch is `epoch`, from what is recorded now. */
  decide(run: Pick<PlannedRun, 'groupId'>, epoch: number): Promise<PruneDecision>;
  /** Of these parked runs (id -> the rung it waits at), those whose decision can be made now. */
  ready(parked: ReadonlyMap<string, number>): Promise<string[]>;
  /** A prune decision as the store records it. */
  record(decision: Extract<PruneDecision, { kind: 'prune' }>): PruneRecord;
}

/** The plan's groups in plan order (each where its first run is), their runs in plan order. */
function groupsOf(runs: readonly SweepRun[]): PruneGroup[] {
  const groups = new Map<string, { id: string; runs: string[]; epochs: number }>();
  for (const run of runs) {
    const group = groups.get(run.groupId) ?? { id: run.groupId, runs: [], epochs: run.epochsPlanned };
    group.runs.push(run.id);
    groups.set(run.groupId, group);
  }
  return [...groups.values()];
}

/** Each run's recorded values of the metric, its divergence, and whether it ended evaluated (finished or stalled). */
async function tracesOf(store: ResultsReader, sweepId: number, runs: readonly SweepRun[], rule: PruneRule) {
  const values = new Map<string, Array<number | null>>();
  // In run, then epoch order: values[e - 1] is epoch e's.
  for (const epoch of await store.epochsOfSweep(sweepId))
    values.set(epoch.run_id, [...(values.get(epoch.run_id) ?? []), epoch[rule.metric]]);
  return new Map<string, RunTrace>(
    runs.map((run) => [
      run.id,
      {
        values: values.get(run.id) ?? [],
        diverged: run.status === 'diverged' ? run.divergedEpoch : null,
        finished: (EVALUATED_STATUSES as readonly string[]).includes(run.status),
      },
    ]),
  );
}

/** The sweep's pruner, or null when its recorded config prunes nothing. */
export async function sweepPruner(store: ResultsReader, sweepId: number): Promise<Pruner | null> {
  const sweep = await store.sweep(sweepId);
  const rule = (sweep?.config as { sweep?: { prune?: PruneRule } } | undefined)?.sweep?.prune;
  if (!rule) return null;
  const groups = groupsOf(await store.sweepRuns(sweepId));
  const rungsOfGroup = new Map(groups.map((group) => [group.id, groupRungs(rule, groups, group)]));
  const decisions = async () => {
    const runs = await store.sweepRuns(sweepId);
    return pruneDecisions(rule, groupsOf(runs), await tracesOf(store, sweepId, runs, rule));
  };
  const groupOf = new Map(groups.flatMap((group) => group.runs.map((id) => [id, group.id])));
  return {
    rule,
    rungs: (run) => rungsOfGroup.get(run.groupId) ?? [],
    decide: async (run, epoch) => decisionAt(await decisions(), run.groupId, epoch),
    async ready(parked) {
      if (parked.size === 0) return [];
      const all = await decisions();
      return [...parked]
        .filter(([id, rung]) => decisionAt(all, groupOf.get(id)!, rung).kind !== 'wait')
        .map(([id]) => id);
    },
    record: ({ rung, value, threshold }) => ({
      rule: rule.name,
      metric: rule.metric,
      rung,
      value,
      threshold,
    }),
  };
}
