// `ablate serve` (also `npx nx run dashboard:serve`): the dashboard over a results database.
import { existsSync } from 'node:fs';
import {
  BAD_INPUT_EXIT,
  command,
  DB_UNAVAILABLE_EXIT,
  DB_RETRY_OPTION,
  DB_RETRY_USAGE,
  dbLocation,
  dbRetry,
  DEFAULT_DB,
  parseCommandArgs,
  UsageError,
} from '@ablate/runner/cli';
import { DEFAULT_DB_RETRY_SECONDS, isDatabaseUrl, redactUrl } from '@ablate/runner/store';
import { NO_SWEEPS_HINT, UnreadableDbError } from './results-db.ts';
import { startServer } from './server.ts';

const LOOPBACK = ['127.0.0.1', 'localhost', '::1'];

const USAGE = `usage: ablate serve [--db PATH|URL] [--port N] [--host ADDRESS]

Serves the dashboard over a results database (read-only: it never writes one).
options:
  --db PATH|URL    results database (default ${DEFAULT_DB}); checked at start
                   (it may not exist yet)
  --port N         0-65535, 0 for any free port (default 8080)
  --host ADDRESS   where to listen (default 127.0.0.1; anything else is reachable from other
                   machines, with no authentication)
${DB_RETRY_USAGE}
While a PostgreSQL server is away, pages answer 503 with one line saying so, and show the runs
again once it is back.
Stops on Ctrl-C (SIGINT) or SIGTERM, with exit code 0.
exit codes: 0 stopped, ${BAD_INPUT_EXIT} bad input (a busy port, a database that cannot be read, refused
credentials), ${DB_UNAVAILABLE_EXIT} a PostgreSQL server still away after --db-retry-seconds at the start`;

/** Why the server did not start, as one line when the fix is the user's. */
function startError(err: unknown, host: string, port: number): unknown {
  if (err instanceof UnreadableDbError) return new UsageError(`serve: ${err.message}`);
  const { code, syscall } = err as NodeJS.ErrnoException;
  if (code === 'EADDRINUSE')
    return new UsageError(
      `serve: port ${port} is in use (another program listens there): pass --port N, or --port 0 for any free port`,
    );
  // EACCES (a port below 1024), EADDRNOTAVAIL or ENOTFOUND (a --host not of this machine).
  if (syscall === 'listen' || syscall === 'getaddrinfo')
    return new UsageError(`serve: cannot listen on ${host} port ${port}: ${(err as Error).message}`);
  return err;
}

async function serve(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('serve', args, {
    port: { type: 'string', default: '8080' },
    host: { type: 'string', default: '127.0.0.1' },
    db: { type: 'string' },
    ...DB_RETRY_OPTION,
  });
  if (positionals.length > 0) throw new UsageError(`serve: unexpected argument "${positionals[0]}"`);
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(
      `serve: --port: expected 0-65535 (0 = any free port), got ${JSON.stringify(values.port)}`,
    );
  const dbPath = dbLocation(values.db);
  const { dbRetrySeconds = DEFAULT_DB_RETRY_SECONDS, outage } = dbRetry(values['db-retry-seconds']);
  const server = await startServer({ dbPath, host: values.host, port, dbRetrySeconds, outage }).catch(
    (err: unknown) => {
      throw startError(err, values.host, port);
    },
  );
  process.stdout.write(`Ablate dashboard: ${server.url}/\n`);
  process.stdout.write(
    `results database: ${redactUrl(dbPath)}${existsSync(dbPath) || isDatabaseUrl(dbPath) ? '' : ` (not there yet: ${NO_SWEEPS_HINT})`}\n`,
  );
  if (!LOOPBACK.includes(values.host))
    process.stdout.write(
      `listening on ${values.host}: reachable from other machines, with no authentication\n`,
    );
  // Runs until stopped; a stop is the normal end.
  await new Promise<void>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve());
  });
  await server.close();
  return 0;
}

export const serveCommand = command('serve', 'serve the dashboard over a results database', USAGE, serve);
