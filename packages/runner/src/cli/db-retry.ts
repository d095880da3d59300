// --db-retry-seconds, shared by the commands that keep a PostgreSQL database open for long (sweep,
// worker, serve): how long they wait for a server that is away, and the two lines they print about it.
import { DEFAULT_DB_RETRY_SECONDS } from '../db/index.ts';
import { positiveInteger } from './args.ts';

/** The option as parseCommandArgs takes it. */
export const DB_RETRY_OPTION = { 'db-retry-seconds': { type: 'string' } } as const;

/** Its line in a command's --help. */
export const DB_RETRY_USAGE = `  --db-retry-seconds N  on PostgreSQL: how long to wait for a server that is away (restarting,
                       failing over, not up yet) before giving up (default ${DEFAULT_DB_RETRY_SECONDS})`;

/** The option's value, and where the outage's lines go (stderr, one line as it begins and one as it ends). */
export function dbRetry(value: string | undefined): { dbRetrySeconds?: number; outage(line: string): void } {
  return {
    dbRetrySeconds: positiveInteger('db-retry-seconds', value),
    outage: (line) => process.stderr.write(`ablate: ${line}\n`),
  };
}
