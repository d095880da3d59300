import { describe, expect, it } from 'vitest';
import { studentTQuantile } from './stats.js';
import { honestWinner, standingOf, winnerLines } from './winner.js';

// Worked by hand (checked against scipy.stats.ttest_ind(equal_var=False) and t.ppf):
//   A = .90 .92 .94: mean .92, s .02;  B = .89 .90 .91: mean .90, s .01;  C = .80 .81 .82: mean .81, s .01
//   A vs B: se = sqrt(.0004/3 + .0001/3) = .012910, t = .02/se = 1.5492, df = 2.9412, p = .22088
//   A vs C: t = .11/se = 8.5206, same df, p = .0036600
//   Holm over m = 2: C's p x 2 = .00732 < .05 (behind); B's max(.22088 x 1, .00732) = .22088 (tied)
//   A's 95% interval: .92 ± t(.975, 2) .02 / sqrt(3) = .92 ± 4.302653 x .011547 = [.870317, .969683]
//   D = .95 alone: the highest value, but one seed: reported, never compared, never the winner.
const groups = [
  { key: 'b', label: 'B', values: [0.89, 0.9, 0.91] },
  { key: 'a', label: 'A', values: [0.9, 0.92, 0.94] },
  { key: 'd', label: 'D', values: [0.95] },
  { key: 'c', label: 'C', values: [0.8, 0.81, 0.82] },
  { key: 'e', label: 'E', values: [] },
];

describe('the honest winner', () => {
  it('names the best mean with its interval and the groups Holm-corrected tests cannot separate', () => {
    const result = honestWinner(groups);
    expect(result.winner).toMatchObject({ key: 'a', n: 3 });
    expect(result.winner!.mean).toBeCloseTo(0.92, 12);
    expect(result.winner!.std).toBeCloseTo(0.02, 12);
    expect(result.winner!.low).toBeCloseTo(0.8703172457649934, 9);
    expect(result.winner!.high).toBeCloseTo(0.9696827542350065, 9);
    expect(result.ties.map((group) => group.key)).toEqual(['b']);
    expect(result.ties[0].p).toBeCloseTo(0.2208808404940968, 9);
    expect(result.behind.map((group) => group.key)).toEqual(['c']);
    expect(result.behind[0].p).toBeCloseTo(2 * 0.003659955583682653, 9);
    expect(result.untested.map((group) => group.key)).toEqual(['d']);
    expect(result.reason).toBeNull();
    expect(['a', 'b', 'c', 'd', 'e'].map((key) => standingOf(result, key))).toEqual([
      'winner',
      'tied',
      'behind',
      'one seed',
      null,
    ]);
  });

  it('at a stricter level, the same p-values tie more groups', () => {
    const result = honestWinner(groups, 0.005);
    expect(result.ties.map((group) => group.key)).toEqual(['b', 'c']);
    expect(result.behind).toEqual([]);
  });

  it('names no winner when every group has one seed', () => {
    const result = honestWinner([
      { key: 'x', label: 'X', values: [0.9] },
      { key: 'y', label: 'Y', values: [0.8] },
    ]);
    expect(result.winner).toBeNull();
    expect(result.reason).toMatch(/one seed per group: no comparison is possible/);
    expect(winnerLines(result, 'val acc')).toEqual([
      'winner: none: one seed per group: no comparison is possible (run more seeds)',
    ]);
    expect(honestWinner([]).reason).toBe('no finished runs yet');
  });

  it('says it in lines', () => {
    expect(winnerLines(honestWinner(groups), 'val acc')).toEqual([
      'winner: A: val acc 0.9200 ± 0.0200 over 3 seeds (95% CI 0.8703 to 0.9697)',
      'tied with it (Holm-corrected Welch tests, p ≥ 0.05): 1 group',
      '  B: 0.9000 (p = 0.221)',
      'behind it (p < 0.05): 1 group',
      'not compared (one seed): 1 group',
      '  D: 0.9500',
    ]);
  });

  it('inverts the t distribution', () => {
    expect(studentTQuantile(0.975, 2)).toBeCloseTo(4.302652729749462, 9);
    expect(studentTQuantile(0.975, 10)).toBeCloseTo(2.228138851986274, 9);
    expect(studentTQuantile(0.025, 10)).toBeCloseTo(-2.228138851986274, 9);
  });
});
