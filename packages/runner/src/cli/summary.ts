// The closing report of a sweep: one table row per group (config minus seed), the best run, and
// where the results are.
import type { SweepResult } from '../sweep/run-sweep.ts';
import type { GroupSummary } from '../sweep/summary.ts';

function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, col) => Math.max(...rows.map((row) => row[col].length)));
  return rows.map((row) =>
    row
      .map((cell, col) => cell.padEnd(widths[col]))
      .join('  ')
      .trimEnd(),
  );
}

function formatParam(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function formatAccuracy(group: GroupSummary): string {
  if (group.mean === null) return '-';
  return group.finished > 1
    ? `${group.mean.toFixed(4)} ± ${(group.std ?? 0).toFixed(4)}`
    : group.mean.toFixed(4);
}

export function formatSummary(result: SweepResult): string {
  const { summary } = result;
  const header = [...summary.varying, 'n', `final ${summary.metric}`, 'diverged', 'failed', 'unfinished'];
  const rows = summary.groups.map((group) => [
    ...summary.varying.map((key) => formatParam(group.params[key])),
    String(group.runs),
    formatAccuracy(group),
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
    ...table([header, ...rows]),
    summary.best
      ? `best run: ${summary.best.label} (${summary.metric} ${summary.best.accuracy.toFixed(4)}, id ${summary.best.runId})`
      : 'best run: none finished yet',
    `results: ${result.dbPath}`,
  ];
  return `${lines.join('\n')}\n`;
}
