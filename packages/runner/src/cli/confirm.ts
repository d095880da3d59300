// `ablate confirm SWEEP --top K --seeds N`: retrains a sweep's K leading groups with N fresh seeds,
// as a new version of the sweep, and says whether the ranking holds (sweep/confirm.ts).
import { formatTable } from '../config/format.ts';
import { compareConfirmed, ConfirmInputError, planConfirm, type ConfirmResult } from '../sweep/confirm.ts';
import { winnerLines } from '../view/winner.js';
import { DEFAULT_DB, parseCommandArgs, positiveInteger, UsageError } from './args.ts';
import { command } from './command.ts';
import { WINNER_JSON } from './report.ts';
import { DbOption, findSweep, withReader } from './results-args.ts';
import { trainPlan } from './train-plan.ts';

const DEFAULT_TOP = 3;
const DEFAULT_SEEDS = 3;

const USAGE = `usage: ablate confirm SWEEP [--top K] [--seeds N] [--db PATH|URL] [--workers N] [--json]

Retrains the K groups with the best means of a sweep (its number, or the newest version of its
name: see ablate ls) with N fresh seeds, after the largest seed the sweep used, as a new version of
the sweep: the groups over the sweep's seeds (those runs are reused, not retrained) and the fresh
ones. The groups were chosen by their means over the sweep's seeds, which flatter them; the fresh
seeds do not. Prints each group's mean over both and the change, the sweep leader's rank on the
fresh seeds, and the winner and tie set on the fresh seeds and over every seed.
options:
  --top K        the leading groups to retrain (default ${DEFAULT_TOP})
  --seeds N      fresh seeds per group (default ${DEFAULT_SEEDS})
  --db PATH|URL  results database (default ${DEFAULT_DB})
  --workers N    training threads (default: one per core)
  --json         one JSON document on stdout instead: {sweepId, versionId (the new version),
                 metric, sweepSeeds, freshSeeds, groups [{key (groupId), label, sweep and fresh
                 ({n, mean, std}), change (fresh mean - sweep mean)}], leaderRank, fresh and all
                 (the winner on the fresh seeds and over every seed: ${WINNER_JSON})}
exit codes: 0 done, 1 some runs failed, 2 bad input (no such sweep, no finished run, --top 0 or
larger than the groups with a finished run; nothing written), 130 / 143 stopped by a signal`;

const fixed = (value: number | null) => (value === null ? '-' : value.toFixed(4));

/** The text confirm prints. */
export function formatConfirm(result: ConfirmResult): string {
  const seedsText = (seeds: number[]) => seeds.join(', ');
  const [leader] = result.groups;
  const freshLeader = result.fresh.winner;
  const rank =
    result.leaderRank === null
      ? `the sweep's leader has no finished fresh run`
      : result.leaderRank === 1
        ? `the sweep's leader leads on the fresh seeds too (rank 1 of ${result.groups.length})`
        : `the sweep's leader is rank ${result.leaderRank} of ${result.groups.length} on the fresh seeds${freshLeader ? `; ${freshLeader.label} leads on them` : ''}`;
  const table = formatTable([
    ['group', 'sweep n', `sweep ${result.metric}`, 'fresh n', `fresh ${result.metric}`, 'change'],
    ...result.groups.map((group) => [
      group.label,
      String(group.sweep.n),
      fixed(group.sweep.mean),
      String(group.fresh.n),
      fixed(group.fresh.mean),
      group.change === null ? '-' : `${group.change >= 0 ? '+' : ''}${group.change.toFixed(4)}`,
    ]),
  ]);
  return `${[
    '',
    `confirmed the ${result.groups.length} leading groups of sweep #${result.sweepId} on fresh seeds ${seedsText(result.freshSeeds)} (the sweep's: ${seedsText(result.sweepSeeds)}); all of them over every seed are sweep #${result.versionId}`,
    ...table,
    `${rank}; the sweep's leader was ${leader.label}`,
    'on the fresh seeds alone:',
    ...winnerLines(result.fresh, result.metric).map((line) => `  ${line}`),
    `over every seed (sweep #${result.versionId}):`,
    ...winnerLines(result.all, result.metric).map((line) => `  ${line}`),
  ].join('\n')}\n`;
}

async function confirm(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('confirm', args, {
    db: { type: 'string' },
    top: { type: 'string' },
    seeds: { type: 'string' },
    workers: { type: 'string' },
    json: { type: 'boolean', default: false },
  });
  if (positionals.length !== 1)
    throw new UsageError('confirm: expected one sweep, its number or name (see ablate ls)');
  const top = positiveInteger('top', values.top) ?? DEFAULT_TOP;
  const seeds = positiveInteger('seeds', values.seeds) ?? DEFAULT_SEEDS;
  const threads = positiveInteger('workers', values.workers);
  const db = new DbOption('confirm', values.db);
  const { sweep, planned } = await withReader(db, async (reader) => {
    const sweep = (await reader.sweep((await findSweep(reader, positionals[0])).id))!;
    try {
      return { sweep, planned: await planConfirm(reader, sweep, top, seeds) };
    } catch (err) {
      throw err instanceof ConfirmInputError ? new UsageError(`confirm: ${err.message}`) : err;
    }
  });
  const { result, stopped } = await trainPlan(planned.plan, {
    dbPath: db.location,
    threads,
    newVersion: true,
  });
  const confirmed = await withReader(db, (reader) =>
    compareConfirmed(reader, sweep, result.sweepId, planned),
  );
  if (values.json) process.stdout.write(`${JSON.stringify(confirmed)}\n`);
  else process.stdout.write(formatConfirm(confirmed));
  if (stopped !== null) return stopped;
  return result.ended.failed > 0 ? 1 : 0;
}

export const confirmCommand = command(
  'confirm',
  "retrain a sweep's leading groups with fresh seeds: does the ranking hold?",
  USAGE,
  confirm,
);
