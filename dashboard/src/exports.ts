// A sweep's numbers for use elsewhere: long format (one row per run x epoch x metric) as CSV or
// JSON, and the ablation grid as a Markdown table for a write-up. The long formats are produced a
// run at a time, to be streamed: a 10,000-run sweep is 150 MB of CSV, never held whole.
import type { StoredEpoch } from '@ablate/runner/store';
import { formatParam, formatValue } from '@ablate/runner/view/format.js';
import { withoutResult } from '@ablate/runner/view/statuses.js';
import type { Ablation } from './aggregates.ts';
import { EPOCH_METRICS } from './metric-choices.ts';
import { sameParam, type Params, type SweepWithRuns } from './sweep-data.ts';

export interface LongRow {
  run_id: string;
  label: string;
  status: string;
  params: Params;
  epoch: number;
  metric: string;
  value: number | null;
}

/** The long rows of each run in plan order, one array per run (epochsByRun: loadSweepEpochs). */
export function* longRowsByRun(
  sweep: SweepWithRuns,
  epochsByRun: Map<string, StoredEpoch[]>,
): Generator<LongRow[]> {
  for (const run of sweep.runs) {
    const epochs = epochsByRun.get(run.id);
    if (!epochs) continue;
    yield epochs.flatMap((row) =>
      EPOCH_METRICS.map((metric) => ({
        run_id: run.id,
        label: run.label,
        status: run.status,
        params: run.params,
        epoch: row.epoch,
        metric,
        value: row[metric],
      })),
    );
  }
}

/**
 * RFC 4180 quoting, only when the field needs it. Non-string values stay JSON (a param column holds
 * {"name":"normal","std":1}, not its label): the CSV is data for other tools, not display.
 */
function csvField(value: unknown): string {
  const text =
    value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export const csvHeader = (sweep: SweepWithRuns): string =>
  ['run_id', 'label', 'status', ...sweep.varying, 'epoch', 'metric', 'value'].map(csvField).join(',') +
  '\r\n';

/** CSV lines of some long rows, each ended by CRLF. */
export function csvLines(sweep: SweepWithRuns, rows: LongRow[]): string {
  return rows
    .map(
      (row) =>
        [
          row.run_id,
          row.label,
          row.status,
          ...sweep.varying.map((path) => row.params[path]),
          row.epoch,
          row.metric,
          row.value,
        ]
          .map(csvField)
          .join(',') + '\r\n',
    )
    .join('');
}

function formatNumber(value: number | null): string {
  return value === null ? '–' : value.toPrecision(4);
}

/** Markdown cells must not contain a raw pipe. */
const markdownCell = (text: string) => text.replaceAll('|', '\\|');

export function ablationMarkdown(sweep: SweepWithRuns, table: Ablation): string {
  const colParam = table.cols.param;
  const header = [
    colParam ? `${table.rows.param} \\ ${colParam}` : table.rows.param,
    ...table.cols.values.map((value) => (colParam ? formatParam(colParam, value) : table.metric)),
  ];
  const body = table.rows.values.map((row) => [
    formatValue(row),
    ...table.cols.values.map((col) => {
      const cell = table.cells.find((c) => sameParam(c.row, row) && sameParam(c.col, col));
      if (!cell) return '';
      return `${formatNumber(cell.mean)} ± ${formatNumber(cell.std)} (n=${cell.n}${withoutResult(cell)})`;
    }),
  ]);
  return [
    `### ${markdownCell(sweep.name)}: ${table.metric} (mean ± std over each cell's runs)`,
    '',
    `| ${header.map(markdownCell).join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...body.map((cells) => `| ${cells.map(markdownCell).join(' | ')} |`),
    '',
  ].join('\n');
}
