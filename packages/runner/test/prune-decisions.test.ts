// The pruning rules against examples worked by hand: the groups, their seeds' metrics, and which
// group each rule prunes at which rung, with the value and threshold written out. Values are
// binary fractions, so every mean and median below is exact.
import { describe, expect, it } from 'vitest';
import {
  decisionAt,
  groupRungs,
  pruneDecisions,
  type PruneGroup,
  type RunTrace,
} from '../src/sweep/prune.ts';
import type { PruneRule } from '../src/config/prune-rule.ts';

const ran = (values: Array<number | null>, diverged: number | null = null): RunTrace => ({
  values,
  diverged,
  finished: false,
});

/** Groups of runs "<group>.<seed>", in plan order, and their traces. */
function sweep(epochs: number, runs: Record<string, Record<string, RunTrace | null>>) {
  const groups: PruneGroup[] = Object.entries(runs).map(([id, seeds]) => ({
    id,
    runs: Object.keys(seeds).map((seed) => `${id}.${seed}`),
    epochs,
  }));
  const traces = new Map<string, RunTrace>();
  for (const [id, seeds] of Object.entries(runs))
    for (const [seed, trace] of Object.entries(seeds)) if (trace) traces.set(`${id}.${seed}`, trace);
  return { groups, traces };
}

/** Each group's decisions, rung by rung, as "rung:continue", "rung:wait" or "rung:prune value<threshold". */
function table(rule: PruneRule, groups: PruneGroup[], traces: Map<string, RunTrace>) {
  const decisions = pruneDecisions(rule, groups, traces);
  return Object.fromEntries(
    groups.map((group) => [
      group.id,
      [...decisions.get(group.id)!].map(([rung, d]) =>
        d.kind === 'prune' ? `${rung}:prune ${d.value} vs ${d.threshold}` : `${rung}:${d.kind}`,
      ),
    ]),
  );
}

describe('median', () => {
  // val_loss (lower is better), 3 epochs, rungs after epochs 1 and 2, at least 2 earlier groups.
  const rule: PruneRule = { name: 'median', metric: 'val_loss', rungs: [1, 2], minGroups: 2 };
  const { groups, traces } = sweep(3, {
    // Rung 1: mean 1.125; rung 2: 0.875. First: nothing before it, so it goes on.
    G1: { s1: ran([1.0, 0.75, 0.5]), s2: ran([1.25, 1.0, 0.75]) },
    // 0.875, 0.625: one group before it, fewer than minGroups.
    G2: { s1: ran([0.875, 0.625, 0.5]), s2: ran([0.875, 0.625, 0.5]) },
    // 1.5 against the median of 1.125 and 0.875 (an even count: their mean, 1.0): pruned at rung 1.
    G3: { s1: ran([1.5, 1.5]), s2: ran([1.5, 1.5]) },
    // Rung 1: 1.125 against the median of 1.125, 0.875, 1.5, which is 1.125: equal goes on.
    // Rung 2: 0.875 against G1 and G2 only (G3 did not reach it): median 0.75, pruned.
    G4: { s1: ran([1.25, 0.875]), s2: ran([1.0, 0.875]) },
    // A seed diverged in epoch 1: worse than anything; the median of 1.125, 0.875, 1.5, 1.125 is 1.125.
    G5: { s1: ran([null], 1), s2: ran([0.5, 0.25]) },
    // Its second seed has not reached rung 1: it waits, and so does every group after it.
    G6: { s1: ran([1.0]), s2: null },
    G7: { s1: ran([0.5, 0.25]), s2: ran([0.5, 0.25]) },
  });

  it('prunes by the median of the groups planned before, equal going on', () => {
    expect(table(rule, groups, traces)).toEqual({
      G1: ['1:continue', '2:continue'],
      G2: ['1:continue', '2:continue'],
      G3: ['1:prune 1.5 vs 1'],
      G4: ['1:continue', '2:prune 0.875 vs 0.75'],
      G5: ['1:prune null vs 1.125'],
      G6: ['1:wait', '2:wait'],
      G7: ['1:wait', '2:wait'],
    });
  });

  it('answers a run at its epoch: the rung decision, or the earlier one that pruned its group', () => {
    const decisions = pruneDecisions(rule, groups, traces);
    expect(decisionAt(decisions, 'G4', 1)).toEqual({ kind: 'continue' });
    expect(decisionAt(decisions, 'G4', 2)).toEqual({ kind: 'prune', rung: 2, value: 0.875, threshold: 0.75 });
    // Past its rung (trained on by --no-prune, then resumed with pruning): still pruned at rung 1.
    expect(decisionAt(decisions, 'G3', 2)).toEqual({ kind: 'prune', rung: 1, value: 1.5, threshold: 1 });
    expect(decisionAt(decisions, 'G7', 1)).toEqual({ kind: 'wait' });
    // Not a rung: nothing to decide, and nothing pruned its group.
    expect(decisionAt(decisions, 'G2', 3)).toEqual({ kind: 'continue' });
  });

  it('decides the same whatever else has been recorded since', () => {
    // G6's second seed arrives, and every run trains on: the decisions made stand, the waits resolve.
    const more = new Map(traces);
    more.set('G6.s2', ran([1.5, 0.5]));
    more.set('G6.s1', ran([1.0, 0.5]));
    more.set('G1.s1', ran([1.0, 0.75, 0.5, 0.25]));
    expect(table(rule, groups, more)).toEqual({
      G1: ['1:continue', '2:continue'],
      G2: ['1:continue', '2:continue'],
      G3: ['1:prune 1.5 vs 1'],
      G4: ['1:continue', '2:prune 0.875 vs 0.75'],
      G5: ['1:prune null vs 1.125'],
      // 1.25 against 1.125, 0.875, 1.5, 1.125, worst (G5): median 1.125.
      G6: ['1:prune 1.25 vs 1.125'],
      // Rung 1: 0.5 against six groups; rung 2: 0.25 against G1 0.875, G2 0.625, G4 0.875: median 0.875.
      G7: ['1:continue', '2:continue'],
    });
  });
});

describe('halving', () => {
  // val_acc (higher is better), eta 2 from epoch 1 over 5 epochs: rungs 1, 2, 4.
  const rule: PruneRule = { name: 'halving', metric: 'val_acc', minEpochs: 1, eta: 2 };
  const runs = {
    A: { s1: ran([0.5, 0.625, 0.75, 0.8125]), s2: ran([0.5, 0.625, 0.75, 0.8125]) },
    B: { s1: ran([0.75, 0.5]), s2: ran([0.625, 0.5]) },
    C: { s1: ran([0.375, 0.75, 0.75, 0.875]), s2: ran([0.375, 0.75, 0.75, 0.875]) },
    D: { s1: ran([0.375]), s2: ran([0.375]) },
    E: { s1: ran([0.5]), s2: ran([null], 1) },
  };

  it('keeps the best ceil(n / eta) at each rung, ties to the group planned first', () => {
    const { groups, traces } = sweep(5, runs);
    expect(groupRungs(rule, groups, groups[0])).toEqual([1, 2, 4]);
    expect(table(rule, groups, traces)).toEqual({
      // Rung 1: B 0.6875, A 0.5, C 0.375, D 0.375 (C planned first), E worst: the best 3 of 5 go on.
      // Rung 2: C 0.75, A 0.625, B 0.5: the best 2 of 3. Rung 4: C 0.875, A 0.8125: the best 1 of 2.
      A: ['1:continue', '2:continue', '4:prune 0.8125 vs 0.875'],
      B: ['1:continue', '2:prune 0.5 vs 0.625'],
      C: ['1:continue', '2:continue', '4:continue'],
      D: ['1:prune 0.375 vs 0.375'],
      E: ['1:prune null vs 0.375'],
    });
  });

  it('waits at a rung until every group still in has reached it', () => {
    const { groups, traces } = sweep(5, { ...runs, C: { ...runs.C, s2: ran([0.375]) } });
    expect(table(rule, groups, traces)).toEqual({
      A: ['1:continue', '2:wait', '4:wait'],
      B: ['1:continue', '2:wait', '4:wait'],
      C: ['1:continue', '2:wait', '4:wait'],
      D: ['1:prune 0.375 vs 0.375'],
      E: ['1:prune null vs 0.375'],
    });
  });
});
