// `ablate export SWEEP --db FROM --to TO`: copies one sweep with everything its runs produced from
// one results store to another: out of a shared PostgreSQL database into a SQLite file the
// dashboard opens (to share or archive a result), or from a file into PostgreSQL (to import it).
import { NoResultsError, redactUrl } from '../db/index.ts';
import { exportSweep } from '../db/export.ts';
import { SweepInputError } from '../sweep/open-store.ts';
import { dbLocation, DEFAULT_DB, parseCommandArgs, positiveInteger, UsageError } from './args.ts';
import type { Command } from './command.ts';
import { DbOption } from './results-args.ts';

const USAGE = `usage: ablate export SWEEP --to PATH|URL [--db PATH|URL]

Copies sweep number SWEEP (as ablate ls lists it) from the results database --db (default
${DEFAULT_DB}) into --to: a SQLite file (created if needed) or a PostgreSQL URL. Its runs come with
their epochs, layer statistics, test results, weights, tags and notes; a run the target already
has is kept as it is there. Either side may be PostgreSQL (postgresql://...) or a file.

exit codes: 0 copied, 2 bad input (no results at --db, no such sweep, an unreachable server, bad
credentials, a database of a newer schema; nothing written)`;

async function exportCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('export', args, {
    db: { type: 'string' },
    to: { type: 'string' },
  });
  const [sweep, extra] = positionals;
  if (sweep === undefined) throw new UsageError('export: missing the sweep number (see ablate ls)');
  if (extra !== undefined) throw new UsageError(`export: unexpected argument "${extra}"`);
  if (!values.to) throw new UsageError('export: --to PATH|URL is required');
  const sweepId = positiveInteger('sweep', sweep) as number;
  const source = new DbOption('export', values.db);
  const from = source.location;
  const to = dbLocation(values.to);
  let copied: number;
  try {
    copied = await exportSweep(from, sweepId, to);
  } catch (err) {
    if (err instanceof NoResultsError) throw source.refusal(err); // only the source is never created
    throw new SweepInputError(`export: ${(err as Error).message}`);
  }
  process.stdout.write(`sweep ${sweepId} of ${redactUrl(from)} is sweep ${copied} of ${redactUrl(to)}\n`);
  return 0;
}

export const exportSweepCommand: Command = {
  name: 'export',
  summary: 'copy a sweep and its results between a SQLite file and PostgreSQL, either way',
  usage: USAGE,
  run: exportCommand,
};
