// The honest winner of a sweep: the group (a config over its seeds) with the best mean, its
// confidence interval, and the groups that the tests cannot separate from it. A lucky seed is not
// a winner: each other group is compared with the best one by Welch's t-test, the p-values
// Holm-corrected for the number of comparisons, and a group is tied with the best unless its
// corrected p-value is below the level. Defined once here, for the command line, the dashboard and
// the report alike (plain JavaScript, shared with the browser like the rest of view/).
import { holm } from './comparisons.js';
import { mean, std, studentTQuantile, welchTTest } from './stats.js';

/** The significance level of the tie set (and 1 - the confidence of the winner's interval). */
export const WINNER_LEVEL = 0.05;

/**
 * groups: [{ key, label, values }] in plan order, values the groups' final metric over their
 * finished seeds. Higher is better; a tie of means goes to the group listed first.
 */
export function honestWinner(groups, level = WINNER_LEVEL) {
  const summary = (group) => ({
    key: group.key,
    label: group.label,
    n: group.values.length,
    mean: mean(group.values),
    std: std(group.values),
  });
  const withValues = groups.filter((group) => group.values.length > 0);
  // A group of one seed has no spread to test with: it is reported, never compared.
  const testable = withValues.filter((group) => group.values.length >= 2);
  const untested = withValues.filter((group) => group.values.length < 2).map(summary);
  const none = (reason) => ({ level, winner: null, ties: [], behind: [], untested, reason });
  if (!withValues.length) return none('no finished runs yet');
  if (!testable.length) return none('one seed per group: no comparison is possible (run more seeds)');
  const best = testable.reduce((top, group) => (mean(group.values) > mean(top.values) ? group : top));
  const others = testable.filter((group) => group !== best);
  const adjusted = holm(others.map((group) => welchTTest(best.values, group.values).p));
  // Best mean first, as people read a ranking (sort is stable: plan order among equal means).
  const compared = others
    .map((group, i) => ({ ...summary(group), p: adjusted[i] }))
    .sort((a, b) => b.mean - a.mean);
  const half =
    (studentTQuantile(1 - level / 2, best.values.length - 1) * std(best.values)) /
    Math.sqrt(best.values.length);
  const center = mean(best.values);
  return {
    level,
    winner: { ...summary(best), low: center - half, high: center + half },
    ties: compared.filter((group) => group.p >= level),
    behind: compared.filter((group) => group.p < level),
    untested,
    reason: null,
  };
}

const fixed = (value) => value.toFixed(4);

/** "3 groups", "1 group". */
const groupCount = (n) => `${n} group${n === 1 ? '' : 's'}`;

/**
 * The winner as lines of text, for the command line and the dashboard; metric names the values.
 * A line that starts with two spaces is one group of the list the line before it introduces.
 */
export function winnerLines(result, metric) {
  if (!result.winner) return [`winner: none: ${result.reason}`];
  const { winner, ties, behind, untested, level } = result;
  const confidence = Math.round((1 - level) * 100);
  const listed = (groups, withP) =>
    groups.map(
      (group) => `  ${group.label}: ${fixed(group.mean)}${withP ? ` (p = ${group.p.toFixed(3)})` : ''}`,
    );
  return [
    `winner: ${winner.label}: ${metric} ${fixed(winner.mean)} ± ${fixed(winner.std)} over ${winner.n} seeds (${confidence}% CI ${fixed(winner.low)} to ${fixed(winner.high)})`,
    ties.length
      ? `tied with it (Holm-corrected Welch tests, p ≥ ${level}): ${groupCount(ties.length)}`
      : `tied with it: none (every other group differs at p < ${level}, Holm-corrected Welch tests)`,
    ...listed(ties, true),
    ...(behind.length ? [`behind it (p < ${level}): ${groupCount(behind.length)}`] : []),
    ...(untested.length
      ? [`not compared (one seed): ${groupCount(untested.length)}`, ...listed(untested, false)]
      : []),
  ];
}

/** Where a group stands: "winner", "tied", "behind", "one seed", or null (no finished run or no winner). */
export function standingOf(result, key) {
  if (result.winner?.key === key) return 'winner';
  if (result.ties.some((group) => group.key === key)) return 'tied';
  if (result.behind.some((group) => group.key === key)) return 'behind';
  if (result.untested.some((group) => group.key === key)) return 'one seed';
  return null;
}
