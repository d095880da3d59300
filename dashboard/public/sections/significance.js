// Are the differences between the picked cells real for the seeds run? For two cells, Welch's
// t-test and a percentile bootstrap CI of the difference of means, side by side; for more, every
// pair, with p-values Holm-corrected for the number of pairs compared (so picking many cells does
// not manufacture a "significant" one). Cohen's d stands beside each p-value, and a cell with fewer
// than 3 seeds is flagged: its std, and any test on it, mean little.
import { h } from '../dom.js';
import * as format from '../format.js';
import { cohensD, pairwiseTests } from '/shared/comparisons.js';
import { bootstrapDifferenceCI, mean, welchTTest } from '/shared/stats.js';

const FEW_SEEDS = 3;

/** cells: [{ name, values }], two or more. */
export function significance(cells, metric) {
  const few = cells.filter((cell) => cell.values.length < FEW_SEEDS);
  const warning = few.length
    ? h(
        'p',
        { className: 'notice warning', role: 'status' },
        `Fewer than ${FEW_SEEDS} runs with a value in ${few.map((cell) => cell.name).join('; ')}: too few to trust a spread or a test; run more seeds.`,
      )
    : null;
  return cells.length === 2 ? pair(cells, metric, warning) : pairs(cells, metric, warning);
}

function pair([a, b], metric, warning) {
  const test = welchTTest(a.values, b.values);
  const ci = bootstrapDifferenceCI(a.values, b.values);
  const d = cohensD(a.values, b.values);
  const rows = [
    ['A', `${a.name}: mean ${format.number(mean(a.values))} (n=${a.values.length})`],
    ['B', `${b.name}: mean ${format.number(mean(b.values))} (n=${b.values.length})`],
    ['A − B', ci ? format.number(ci.difference) : '–'],
    [
      'Welch t-test',
      test
        ? `t = ${format.number(test.t, 3)}, df = ${format.number(test.df, 3)}, p = ${format.number(test.p, 3)}`
        : 'needs at least 2 runs in each cell',
    ],
    ["effect size (Cohen's d)", d === null ? '–' : format.number(d, 3)],
    ['95% bootstrap CI of A − B', ci ? `[${format.number(ci.low)}, ${format.number(ci.high)}]` : '–'],
  ];
  return h(
    'div',
    { className: 'significance' },
    h('h3', {}, `A vs B on ${format.metricName(metric)}`),
    warning,
    h(
      'dl',
      {},
      rows.map(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]),
    ),
    h('p', { className: 'verdict' }, verdict(test, ci, Math.min(a.values.length, b.values.length))),
  );
}

function pairs(cells, metric, warning) {
  const comparisons = pairwiseTests(cells);
  const tested = comparisons.filter((c) => c.test);
  return h(
    'div',
    { className: 'significance' },
    h('h3', {}, `${cells.length} cells on ${format.metricName(metric)}: every pair`),
    warning,
    h(
      'table',
      { className: 'pairs' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['A', 'B', 'A − B', "Cohen's d", 'Welch p', `Holm p (${tested.length} pairs)`].map((title, i) =>
            h('th', { scope: 'col', className: i > 1 ? 'num' : '' }, title),
          ),
        ),
      ),
      h(
        'tbody',
        {},
        comparisons.map((c) =>
          h(
            'tr',
            {},
            h('td', {}, c.a.name),
            h('td', {}, c.b.name),
            [
              format.number(mean(c.a.values) - mean(c.b.values)),
              c.d === null ? '–' : format.number(c.d, 3),
              c.test ? format.number(c.test.p, 3) : 'n < 2',
              c.test ? format.number(c.holm, 3) : '–',
            ].map((text) => h('td', { className: 'num' }, text)),
          ),
        ),
      ),
    ),
    h(
      'p',
      { className: 'verdict' },
      `${tested.filter((c) => c.holm < 0.05).length} of ${tested.length} pairs differ at p < 0.05 after Holm's correction.`,
    ),
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
