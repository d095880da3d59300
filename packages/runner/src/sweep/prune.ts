// Pruning decisions as a pure function of the sweep file and the recorded metrics: whoever asks,
// on whichever machine, whenever, gets the same answer, so the pruned set does not depend on the
// number of workers, the order runs finish in, or an interruption. The unit is the group (a config
// over its seeds): its value at a rung is the mean of its seeds' metric after that epoch.
//
// A decision that needs a value not recorded yet is `wait`: the run asking is parked at its
// checkpoint until it is there. Once a decision is not `wait` it never changes: it reads only
// values at or before its rung, which are final once recorded.
//
// Median (median): at each of its rungs, a group is compared with the groups planned before it that
// reached the rung (those pruned at an earlier rung did not; one pruned at this rung did), once
// there are at least minGroups of them: it is pruned when its value is strictly worse than their
// median (equal goes on); the median of an even count is the mean of the two middle values.
//
// Halving (halving, synchronous): at each rung, once every group still in has reached it, the
// groups are ranked best first, ties to the one planned first, and the first ceil(n / eta) go on.
//
// Both: a group one of whose seeds diverged at or before a rung (or recorded no number for the
// metric there) counts as worse than any value at that rung, and such groups tie with each other.
// A seed early stopping or the stall rule ended before a rung counts with its last value.
import { lowerIsBetter, rungsOf, type PruneRule } from '../config/prune-rule.ts';

/** A group of the plan: its runs (seeds) in plan order, and the epochs they train. */
export interface PruneGroup {
  id: string;
  runs: readonly string[];
  epochs: number;
}

/** What is recorded of one run. */
export interface RunTrace {
  /** The metric after each recorded epoch, epoch 1 first (null: no number, as a diverged loss). */
  values: ReadonlyArray<number | null>;
  /** The epoch it diverged in, or null. */
  diverged: number | null;
  /** Whether it has ended finished or stalled: then its last value stands for the epochs it did not train. */
  finished: boolean;
}

export type PruneDecision =
  | { kind: 'continue' }
  | {
      kind: 'prune';
      /** The rung the group was pruned at. */
      rung: number;
      /** The group's value there; null when it counts as worst (a seed diverged). */
      value: number | null;
      /** The median (median) or the value of the last group kept (halving); null when that is a worst. */
      threshold: number | null;
    }
  | { kind: 'wait' };

/** A group's value at a rung as a score, lower better: Infinity is the worst; undefined: not reached. */
type Score = number | undefined;

/** Every epoch the rule decides at for this group: the rung list it stops its runs at. */
export function groupRungs(rule: PruneRule, groups: readonly PruneGroup[], group: PruneGroup): number[] {
  // Synchronous halving compares every group at the same rungs: those below the shortest group's end.
  const epochs = rule.name === 'halving' ? Math.min(...groups.map((g) => g.epochs)) : group.epochs;
  return rungsOf(rule, epochs);
}

function scoreAt(
  rule: PruneRule,
  group: PruneGroup,
  traces: ReadonlyMap<string, RunTrace>,
  rung: number,
): Score {
  let sum = 0;
  let worst = false;
  for (const id of group.runs) {
    const trace = traces.get(id);
    if (!trace) return undefined;
    let value: number | null | undefined;
    if (trace.diverged !== null && trace.diverged <= rung) value = null;
    else if (trace.values.length >= rung) value = trace.values[rung - 1];
    else if (trace.finished) value = trace.values.at(-1) ?? null;
    else return undefined;
    if (value === null || !Number.isFinite(value)) worst = true;
    else sum += value;
  }
  if (worst) return Infinity;
  // Summed in plan order and divided once: the same double on every machine.
  const mean = sum / group.runs.length;
  return lowerIsBetter(rule.metric) ? mean : -mean;
}

/** Ascending scores; Infinity equals Infinity (a subtraction would give NaN). */
const byScore = (a: number, b: number) => (a === b ? 0 : a < b ? -1 : 1);

/** A score back in the metric's units (null for the worst). */
const valueOf = (rule: PruneRule, score: number) =>
  score === Infinity ? null : lowerIsBetter(rule.metric) ? score : -score;

/** The median of scores (ascending order not required): the mean of the two middle ones for an even count. */
function median(scores: readonly number[]): number {
  const sorted = [...scores].sort(byScore);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Every group's decision at every rung of the rule, as far as the traces allow: group id -> rung ->
 * decision. A group pruned at a rung has no decisions after it; one waiting at a rung waits at
 * every later one.
 */
export function pruneDecisions(
  rule: PruneRule,
  groups: readonly PruneGroup[],
  traces: ReadonlyMap<string, RunTrace>,
): Map<string, Map<number, PruneDecision>> {
  const decisions = new Map(groups.map((group) => [group.id, new Map<number, PruneDecision>()]));
  const rungsOfGroup = new Map(groups.map((group) => [group.id, new Set(groupRungs(rule, groups, group))]));
  const allRungs = [...new Set(groups.flatMap((group) => [...rungsOfGroup.get(group.id)!]))].sort(
    (a, b) => a - b,
  );
  /** Groups out of the sweep (pruned) and those whose fate is not known yet (waiting). */
  const out = new Set<string>();
  const unknown = new Set<string>();
  const wait: PruneDecision = { kind: 'wait' };

  for (const rung of allRungs) {
    const here = groups.filter((group) => rungsOfGroup.get(group.id)!.has(rung) && !out.has(group.id));
    const scores = new Map(here.map((group) => [group.id, scoreAt(rule, group, traces, rung)]));
    const reached = (group: PruneGroup) => !unknown.has(group.id) && scores.get(group.id) !== undefined;
    const decide = (group: PruneGroup, decision: PruneDecision) => {
      decisions.get(group.id)!.set(rung, decision);
      if (decision.kind === 'wait') unknown.add(group.id);
      if (decision.kind === 'prune') out.add(group.id);
    };
    if (rule.name === 'halving') {
      if (!here.every(reached)) {
        for (const group of here) decide(group, wait);
        continue;
      }
      // Best first; a stable sort keeps plan order among equal scores.
      const ranked = [...here].sort((a, b) => byScore(scores.get(a.id)!, scores.get(b.id)!));
      const kept = Math.ceil(ranked.length / rule.eta);
      const threshold = valueOf(rule, scores.get(ranked[kept - 1].id)!);
      ranked.forEach((group, i) =>
        decide(
          group,
          i < kept
            ? { kind: 'continue' }
            : { kind: 'prune', rung, value: valueOf(rule, scores.get(group.id)!), threshold },
        ),
      );
      continue;
    }
    // Median: decided in plan order, each group against those before it.
    here.forEach((group, i) => {
      const before = here.slice(0, i);
      if (!reached(group) || !before.every(reached)) return decide(group, wait);
      if (before.length < rule.minGroups) return decide(group, { kind: 'continue' });
      const score = scores.get(group.id)!;
      const middle = median(before.map((g) => scores.get(g.id)!));
      // Worse than the median: a larger score; Infinity against Infinity is equal, and goes on.
      decide(
        group,
        score > middle
          ? { kind: 'prune', rung, value: valueOf(rule, score), threshold: valueOf(rule, middle) }
          : { kind: 'continue' },
      );
    });
  }
  return decisions;
}

/**
 * The decision for a run of `group` whose last recorded epoch is `epoch`: prune when its group was
 * pruned at a rung at or before it (the decision that did), the decision at `epoch` when that is a
 * rung, else continue.
 */
export function decisionAt(
  decisions: ReadonlyMap<string, ReadonlyMap<number, PruneDecision>>,
  group: string,
  epoch: number,
): PruneDecision {
  for (const [rung, decision] of decisions.get(group) ?? []) {
    if (rung > epoch) break;
    if (decision.kind === 'prune') return decision;
    if (rung === epoch) return decision;
  }
  return { kind: 'continue' };
}
