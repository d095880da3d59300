// `ablate ls`: the sweeps in a results database, with their runs counted by status and their best run.
import { formatTable } from '../config/format.ts';
import { RUN_STATUSES, type RunStatus } from '../db/index.ts';
import { summarizeSweep } from '../sweep/seed-groups.ts';
import { DEFAULT_DB, parseCommandArgs, UsageError } from './args.ts';
import { command } from './command.ts';
import { WINNER_JSON } from './report.ts';
import { DbOption, withReader } from './results-args.ts';

const USAGE = `usage: ablate ls [--db PATH] [--json]

Lists the sweeps in the results database (default ${DEFAULT_DB}), newest first: their number
(what ablate rm and the dashboard call them), name, runs by status, the winner (the group of one
config over its seeds with the best mean, and how many groups the Holm-corrected tests cannot
separate from it at p < 0.05) and the best single run.

--json  one JSON document on stdout instead of the table: {"sweeps": [...]}, newest first, each
        {id, name, createdAt, updatedAt (ISO 8601), varying (the config paths that vary),
        runCount, statusCounts {${RUN_STATUSES.join(', ')}},
        winner: ${WINNER_JSON},
        best: {runId, label, metric ("final_val_acc" or "test_acc"), value} or null}`;

async function ls(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('ls', args, {
    db: { type: 'string' },
    json: { type: 'boolean', default: false },
  });
  if (positionals.length > 0) throw new UsageError(`ls: unexpected argument "${positionals[0]}"`);
  const sweeps = await withReader(new DbOption('ls', values.db), async (reader) =>
    Promise.all(
      (await reader.sweepList()).map(async ({ best, ...sweep }) => ({
        ...sweep,
        // Every status counted, 0 included, so a script reads any of them without a default.
        statusCounts: Object.fromEntries(
          RUN_STATUSES.map((status) => [status, sweep.statusCounts[status] ?? 0]),
        ) as Record<RunStatus, number>,
        winner: (await summarizeSweep(reader, sweep.id)).winner,
        best,
      })),
    ),
  );
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ sweeps })}\n`);
    return 0;
  }
  if (sweeps.length === 0) {
    process.stdout.write('no sweeps yet (ablate sweep FILE records one)\n');
    return 0;
  }
  const rows = sweeps.map((sweep) => [
    String(sweep.id),
    sweep.name,
    String(sweep.runCount),
    ...RUN_STATUSES.map((status) => String(sweep.statusCounts[status])),
    sweep.winner.winner
      ? `${sweep.winner.winner.label} ${sweep.winner.winner.mean.toFixed(4)} (n=${sweep.winner.winner.n}, ${sweep.winner.ties.length} tied)`
      : `- (${sweep.winner.reason})`,
    sweep.best ? `${sweep.best.runId} ${sweep.best.metric} ${sweep.best.value.toFixed(4)}` : '-',
    sweep.updatedAt.slice(0, 19).replace('T', ' '),
  ]);
  const header = ['#', 'name', 'runs', ...RUN_STATUSES, 'winner', 'best run', 'updated (UTC)'];
  process.stdout.write(`${formatTable([header, ...rows]).join('\n')}\n`);
  return 0;
}

export const lsCommand = command(
  'ls',
  'list the sweeps of a results database, runs counted by status',
  USAGE,
  ls,
);
