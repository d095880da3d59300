// The closing report of a sweep (printed by the CLI): one table row per group (config minus seed), the best run, and
// where the results are.
import { formatTable } from '../config/format.ts';
import { formatValue, shortNames } from '../view/format.js';
import type { SweepResult } from '../sweep/run-sweep.ts';
import type { GroupSummary } from '../sweep/seed-groups.ts';

function formatAccuracy(group: GroupSummary): string {
  if (group.mean === null) return '-';
  return group.finished > 1
    ? `${group.mean.toFixed(4)} ± ${(group.std ?? 0).toFixed(4)}`
    : group.mean.toFixed(4);
}

/** The text printed when a sweep ends. */
export function formatReport(result: SweepResult): string {
  const { summary } = result;
  const header = [
    ...shortNames(summary.varying),
    'n',
    `final ${summary.metric}`,
    'stalled',
    'diverged',
    'failed',
    'unfinished',
  ];
  const rows = summary.groups.map((group) => [
    ...summary.varying.map((key) => formatValue(group.params[key])),
    String(group.runs),
    formatAccuracy(group),
    String(group.stalled),
    String(group.diverged),
    String(group.failed),
    String(group.unfinished),
  ]);
  const ran = Object.entries(result.ended)
    .filter(([, count]) => count > 0)
    .map(([status, count]) => `${count} ${status}`);
  const lines = [
    '',
    `trained ${ran.length ? ran.join(', ') : 'nothing'}; ${result.skipped} already done`,
    ...formatTable([header, ...rows]),
    summary.best
      ? `best run: ${summary.best.label} (${summary.metric} ${summary.best.accuracy.toFixed(4)}, id ${summary.best.runId})`
      : 'best run: none finished yet',
    `results: ${result.dbPath}`,
  ];
  return `${lines.join('\n')}\n`;
}
