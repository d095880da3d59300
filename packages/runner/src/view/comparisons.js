// Comparing several cells honestly: p-values corrected for the number of comparisons (Holm's
// step-down method, which controls the family-wise error rate as Bonferroni does but rejects more)
// and an effect size to read beside them (a p-value says whether a gap is there, not how large).
import { mean, std, welchTTest } from './stats.js';

/** Holm-adjusted p-values, in the order given: p(i) = max over j <= i of min(1, (m - j) p(j)), p sorted. */
export function holm(pValues) {
  const m = pValues.length;
  const order = pValues.map((p, i) => [p, i]).sort((a, b) => a[0] - b[0]);
  const adjusted = new Array(m);
  let running = 0;
  order.forEach(([p, i], rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    adjusted[i] = running;
  });
  return adjusted;
}

/**
 * Cohen's d of mean(a) - mean(b) over the pooled sample standard deviation; null with fewer than
 * two values on a side. (|d| about 0.2 is small, 0.5 medium, 0.8 large.)
 */
export function cohensD(a, b) {
  if (a.length < 2 || b.length < 2) return null;
  const pooled = Math.sqrt(
    ((a.length - 1) * std(a) ** 2 + (b.length - 1) * std(b) ** 2) / (a.length + b.length - 2),
  );
  const difference = mean(a) - mean(b);
  if (pooled === 0) return difference === 0 ? 0 : Math.sign(difference) * Infinity;
  return difference / pooled;
}

/**
 * Every pair of cells ([{ name, values }]): Welch's t-test (null where a cell has fewer than two
 * values), its p-value Holm-corrected over the pairs tested (holm, null untested), and Cohen's d.
 */
export function pairwiseTests(cells) {
  const comparisons = cells.flatMap((a, i) =>
    cells.slice(i + 1).map((b) => ({
      a,
      b,
      test: welchTTest(a.values, b.values),
      d: cohensD(a.values, b.values),
      holm: null,
    })),
  );
  const tested = comparisons.filter((c) => c.test);
  holm(tested.map((c) => c.test.p)).forEach((p, i) => (tested[i].holm = p));
  return comparisons;
}
