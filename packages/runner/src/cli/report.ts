// The closing report of a sweep (printed by the CLI): one table row per group (config minus seed), the winner and
// its tie set, the best single run, and where the results are.
import { formatTable } from '../config/format.ts';
import { formatValue, shortNames } from '../view/format.js';
import { winnerLines } from '../view/winner.js';
import type { SweepResult } from '../sweep/run-sweep.ts';
import type { GroupSummary } from '../sweep/seed-groups.ts';

function formatAccuracy(group: GroupSummary): string {
  if (group.mean === null) return '-';
  return group.finished > 1
    ? `${group.mean.toFixed(4)} ± ${(group.std ?? 0).toFixed(4)}`
    : group.mean.toFixed(4);
}

/**
 * The winner's JSON (view/winner.js's HonestWinner) in the --json help texts: the best group with
 * its interval at 1 - level, the groups the tests cannot (ties) and can (behind) separate from it,
 * those of one seed (untested), and why there is no winner (reason).
 */
export const WINNER_JSON =
  '{level, winner: {key (groupId), label, n, mean, std, low, high} or null, ties, behind, untested, reason}';

/** How often runs waited for a pruning decision: parked at a rung, released, and claimed again. */
function pruningLine({ parked, stillParked }: NonNullable<SweepResult['pruning']>): string {
  const still = stillParked > 0 ? `; ${stillParked} still parked (rerun to go on)` : '';
  return `pruning: runs parked ${parked} time(s) waiting for a decision${still}`;
}

/** The text printed when a sweep ends. */
export function formatReport(result: SweepResult): string {
  const { summary } = result;
  // Only when early stopping ended some run: its final values are of the epoch it stopped at.
  const early = summary.groups.some((group) => group.stoppedEarly > 0);
  // Only when the rule pruned some run (a sweep without sweep.prune keeps its table as it was).
  const pruned = summary.groups.some((group) => group.pruned > 0);
  const header = [
    ...shortNames(summary.varying),
    'n',
    `final ${summary.metric}`,
    ...(early ? ['stopped early'] : []),
    'stalled',
    'diverged',
    ...(pruned ? ['pruned'] : []),
    'failed',
    'unfinished',
  ];
  const rows = summary.groups.map((group) => [
    ...summary.varying.map((key) => formatValue(group.params[key])),
    String(group.runs),
    formatAccuracy(group),
    ...(early ? [String(group.stoppedEarly)] : []),
    String(group.stalled),
    String(group.diverged),
    ...(pruned ? [String(group.pruned)] : []),
    String(group.failed),
    String(group.unfinished),
  ]);
  const ran = Object.entries(result.ended)
    .filter(([, count]) => count > 0)
    .map(([status, count]) => `${count} ${status}`);
  const lines = [
    '',
    `trained ${ran.length ? ran.join(', ') : 'nothing'}; ${result.skipped} already done`,
    ...(result.pruning ? [pruningLine(result.pruning)] : []),
    ...formatTable([header, ...rows]),
    ...winnerLines(summary.winner, summary.metric),
    summary.best
      ? `best run: ${summary.best.label} (${summary.metric} ${summary.best.accuracy.toFixed(4)}, id ${summary.best.runId})`
      : 'best run: none finished yet',
    `results: ${result.dbPath}`,
  ];
  return `${lines.join('\n')}\n`;
}
