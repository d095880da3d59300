// `ablate rm SWEEP --yes`: removes a sweep and the runs no other sweep uses.
import { openStore } from '../db/index.ts';
import { DEFAULT_DB, parseCommandArgs, UsageError } from './args.ts';
import { command } from './command.ts';
import { DbOption, findSweep, withReader } from './results-args.ts';

const USAGE = `usage: ablate rm SWEEP --yes [--db PATH]

Removes a sweep from the results database (default ${DEFAULT_DB}), with every run that no other
sweep uses: their epochs, statistics, test results, weights, tags and notes. Runs another sweep
shares stay. SWEEP is its number (ablate ls) or its name (the newest version of that name).
Refused while a sweep is writing the database, and without --yes.`;

async function rm(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('rm', args, {
    db: { type: 'string' },
    yes: { type: 'boolean', default: false },
  });
  if (positionals.length !== 1)
    throw new UsageError('rm: expected one sweep (its number or name; see ablate ls)');
  const db = new DbOption('rm', values.db);
  const sweep = await withReader(db, (reader) => findSweep(reader, positionals[0]));
  if (!values.yes)
    throw new UsageError(
      `rm: this removes sweep #${sweep.id} ${sweep.name} and the runs only it uses; add --yes to do it`,
    );
  const store = await db.open(openStore);
  try {
    const { runsRemoved } = await store.removeSweep(sweep.id);
    process.stdout.write(
      `removed sweep #${sweep.id} ${sweep.name} and ${runsRemoved} runs no other sweep used\n`,
    );
    return 0;
  } finally {
    await store.close();
  }
}

export const rmCommand = command('rm', 'remove a sweep and the runs only it uses', USAGE, rm);
