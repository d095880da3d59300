// Is the difference between two cells real for the seeds run? Welch's t-test and a percentile
// bootstrap CI of the difference of means, side by side.
import { h } from '../dom.js';
import * as format from '../format.js';
import { bootstrapDifferenceCI, mean, welchTTest } from '/shared/stats.js';

export function significance(nameA, valuesA, nameB, valuesB, metric) {
  const test = welchTTest(valuesA, valuesB);
  const ci = bootstrapDifferenceCI(valuesA, valuesB);
  const rows = [
    ['A', `${nameA}: mean ${format.number(mean(valuesA))} (n=${valuesA.length})`],
    ['B', `${nameB}: mean ${format.number(mean(valuesB))} (n=${valuesB.length})`],
    ['A − B', ci ? format.number(ci.difference) : '–'],
    [
      'Welch t-test',
      test
        ? `t = ${format.number(test.t, 3)}, df = ${format.number(test.df, 3)}, p = ${format.number(test.p, 3)}`
        : 'needs at least 2 runs in each cell',
    ],
    ['95% bootstrap CI of A − B', ci ? `[${format.number(ci.low)}, ${format.number(ci.high)}]` : '–'],
  ];
  return h(
    'div',
    { className: 'significance' },
    h('h3', {}, `A vs B on ${format.metricName(metric)}`),
    h(
      'dl',
      {},
      rows.map(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]),
    ),
    h('p', { className: 'verdict' }, verdict(test, ci, Math.min(valuesA.length, valuesB.length))),
  );
}

function verdict(test, ci, fewestSeeds) {
  if (!test) return 'Not enough runs to tell: run more seeds.';
  const ciExcludesZero = ci && (ci.low > 0 || ci.high < 0);
  if (test.p < 0.05 && ciExcludesZero)
    return `The difference looks real (p < 0.05, CI excludes 0) for these ${fewestSeeds}+ seeds.`;
  if (test.p < 0.05 || ciExcludesZero)
    return 'Borderline: the two tests disagree; run more seeds before concluding.';
  return `No evidence of a difference with ${fewestSeeds} seeds per cell (p ≥ 0.05).`;
}
