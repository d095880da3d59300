// `ablate report SWEEP --out FILE.html`: the sweep as one self-contained HTML file (build-report.ts).
import { renameSync, rmSync, statSync, writeFileSync, accessSync, constants } from 'node:fs';
import path from 'node:path';
import {
  command,
  DbOption,
  DEFAULT_DB,
  findSweep,
  parseCommandArgs,
  UsageError,
  withReader,
} from '@ablate/runner/cli';
import { buildReport, CURVE_POINTS, LEADING_GROUPS, type ReportView } from './build-report.ts';

const USAGE = `usage: ablate report SWEEP --out FILE.html [--view ADDRESS] [--db PATH|URL]

Writes the sweep (its number, or the newest version of its name: see ablate ls) as one HTML file
that opens anywhere, offline: Chart.js and the data are inside it, and it fetches nothing. It holds
the winner and the groups tied with it, the sweep file (and its command-line overrides), the curves
of the leading groups (at most ${LEADING_GROUPS}, ${CURVE_POINTS} points each), group means ± std, the ablation heatmap
of the first two params with every pair of cells tested, which params matter (analysis of
variance), signal through depth, every run with its provenance (config hash, code commit, data
fingerprint, kernel set), tags and notes. The same database gives the same bytes.
options:
  --out FILE.html  where to write it (its folder must exist); replaced whole or not at all
  --view ADDRESS   the sweep's dashboard page as you arranged it (copy the address): the report
                   follows its heatmap rows, columns and metric, its group curves' metric and its
                   analysis of variance's metric
  --db PATH|URL    results database (default ${DEFAULT_DB})
exit codes: 0 written, 2 bad input (no such sweep, no finished run, an unwritable --out, a --view
of another page or sweep; nothing written)`;

/** --out, checked before anything is read: a file in a folder that exists and may be written. */
function outputPath(typed: string | undefined): string {
  if (!typed) throw new UsageError('report: --out FILE.html: expected the file to write');
  const out = path.resolve(typed);
  const folder = path.dirname(out);
  const kind = (file: string) => {
    try {
      return statSync(file).isDirectory() ? 'folder' : 'file';
    } catch {
      return null;
    }
  };
  if (kind(out) === 'folder') throw new UsageError(`report: --out ${typed}: is a folder, expected a file`);
  if (kind(folder) !== 'folder') throw new UsageError(`report: --out ${typed}: no folder ${folder}`);
  try {
    accessSync(folder, constants.W_OK);
    if (kind(out) === 'file') accessSync(out, constants.W_OK);
  } catch {
    throw new UsageError(`report: --out ${typed}: not writable`);
  }
  return out;
}

/** Writes text to out whole or not at all: a temporary file beside it, renamed over it. */
function writeWhole(out: string, typed: string, text: string): void {
  const temporary = `${out}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, text);
    renameSync(temporary, out);
  } catch (err) {
    rmSync(temporary, { force: true });
    throw new UsageError(
      `report: --out ${typed}: cannot write it (${(err as NodeJS.ErrnoException).code ?? err})`,
    );
  }
}

/**
 * --view: a dashboard address of the sweep's page (its view state after "?", as url-state.js
 * writes it); null without one. Another page, or another sweep's, is bad input.
 */
function viewOf(typed: string | undefined, sweepId: number): ReportView | null {
  if (typed === undefined) return null;
  let hash = '';
  try {
    hash = new URL(typed).hash;
  } catch {
    // Not an address: said below.
  }
  const match = /^#\/sweep\/([^?]+)(?:\?(.*))?$/.exec(hash);
  if (!match)
    throw new UsageError(
      `report: --view ${typed}: expected the address of a sweep's dashboard page, e.g. http://127.0.0.1:8080/#/sweep/${sweepId}?rows=...`,
    );
  if (match[1] !== String(sweepId))
    throw new UsageError(`report: --view ${typed}: an address of sweep ${match[1]}, not of sweep ${sweepId}`);
  return { address: typed, state: new URLSearchParams(match[2] ?? '') };
}

async function report(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('report', args, {
    db: { type: 'string' },
    out: { type: 'string' },
    view: { type: 'string' },
  });
  if (positionals.length !== 1)
    throw new UsageError('report: expected one sweep, its number or name (see ablate ls)');
  const out = outputPath(values.out);
  const text = await withReader(new DbOption('report', values.db), async (reader) => {
    const sweep = await findSweep(reader, positionals[0]);
    if (!sweep.statusCounts.finished)
      throw new UsageError(
        `report: sweep ${positionals[0]} (#${sweep.id} ${sweep.name}) has no finished run yet: train it first (ablate sweep FILE)`,
      );
    return buildReport(reader, sweep.id, viewOf(values.view, sweep.id));
  });
  writeWhole(out, values.out!, text);
  process.stdout.write(`report: ${out} (${Math.round(Buffer.byteLength(text) / 1024)} KB)\n`);
  return 0;
}

export const reportCommand = command(
  'report',
  'write a sweep as one self-contained HTML file that opens offline',
  USAGE,
  report,
);
