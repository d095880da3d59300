import { describe, expect, it } from 'vitest';
import { cohensD, holm, pairwiseTests } from './comparisons.js';
import { welchTTest } from './stats.js';

describe('Holm', () => {
  it('adjusts a hand-computed case, keeping the order given and monotone in the sorted p', () => {
    // Sorted: 0.005 x 4 = 0.02, 0.01 x 3 = 0.03, 0.03 x 2 = 0.06, 0.04 x 1 = 0.04 -> max(0.06, 0.04).
    const adjusted = holm([0.01, 0.04, 0.03, 0.005]);
    [0.03, 0.06, 0.06, 0.02].forEach((expected, i) => expect(adjusted[i]).toBeCloseTo(expected, 12));
  });

  it('caps at 1 and leaves one p-value as it is', () => {
    expect(holm([0.6, 0.7])).toEqual([1, 1]);
    expect(holm([0.4, 0.6])).toEqual([0.8, 0.8]);
    expect(holm([0.2])).toEqual([0.2]);
  });
});

describe("Cohen's d", () => {
  it('is the difference of means over the pooled standard deviation', () => {
    // Means 3 and 5, both sample variances 2.5 (n = 5): d = -2 / sqrt(2.5).
    expect(cohensD([1, 2, 3, 4, 5], [3, 4, 5, 6, 7])).toBeCloseTo(-2 / Math.sqrt(2.5), 12);
    expect(cohensD([1], [2, 3])).toBeNull();
  });
});

describe('pairwise tests', () => {
  it('tests every pair, Holm-correcting over the pairs that could be tested', () => {
    const cells = [
      { name: 'a', values: [1, 2, 3] },
      { name: 'b', values: [3, 4, 5] },
      { name: 'c', values: [7] },
      { name: 'd', values: [2, 3, 5] },
    ];
    const pairs = pairwiseTests(cells);
    expect(pairs.map((pair) => `${pair.a.name}${pair.b.name}`)).toEqual(['ab', 'ac', 'ad', 'bc', 'bd', 'cd']);
    const tested = pairs.filter((pair) => pair.test);
    expect(tested.map((pair) => `${pair.a.name}${pair.b.name}`)).toEqual(['ab', 'ad', 'bd']);
    const adjusted = holm(tested.map((pair) => welchTTest(pair.a.values, pair.b.values)!.p));
    expect(tested.map((pair) => pair.holm)).toEqual(adjusted);
    expect(pairs.filter((pair) => !pair.test).every((pair) => pair.holm === null && pair.d === null)).toBe(
      true,
    );
  });
});
