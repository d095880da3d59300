// `ablate worker --db postgresql://...`: trains runs of every sweep in a shared PostgreSQL store
// that has runs left, on this machine's cores, and exits when none has (--follow: waits for more).
// Start as many as there are machines; each claims runs one at a time, so none is trained twice.
import { DEFAULT_LEASE_SECONDS, isDatabaseUrl } from '../db/index.ts';
import { runWorker } from '../sweep/worker.ts';
import { DB_VARIABLE, dbLocation, parseCommandArgs, positiveInteger, UsageError } from './args.ts';
import type { Command } from './command.ts';
import { DB_RETRY_OPTION, DB_RETRY_USAGE, dbRetry } from './db-retry.ts';
import { BAD_INPUT_EXIT, DB_UNAVAILABLE_EXIT, STORAGE_FAULT_EXIT } from './exit-codes.ts';
import { stopOnSignals } from './stop-signals.ts';

const USAGE = `usage: ablate worker --db postgresql://USER@HOST/DATABASE [options]

Joins every sweep in the PostgreSQL results database that has runs left to train (\`ablate sweep
FILE --db URL\` records one), claiming runs one at a time in plan order, and exits when none is left.
Each machine prepares a sweep's data from its own copy of the sources; a sweep whose data differs
here, or that requires other kernels (--kernels), is declined in one line.

options:
  --db URL             the shared results database (a libpq URL; default $${DB_VARIABLE}); its
                       password from PGPASSWORD or ~/.pgpass, never in the URL (ps shows it)
  --workers N          training threads (default: one per core)
  --follow             keep waiting for new sweeps instead of exiting
  --lease-seconds N    how long a claimed run stays this worker's without a sign of life
                       (default ${DEFAULT_LEASE_SECONDS}); then any worker may claim it again
${DB_RETRY_USAGE}
  -h, --help           this text

A worker killed (kill -9, a machine lost, a connection cut) loses only its runs in flight: they
are claimed again once their lease lapses and retrained from epoch 0. While the server is away a
worker waits for it (started before it, too): its runs in flight train on, their epochs written in
order once it is back; no new run is claimed meanwhile.
exit codes: 0 nothing left to train, 1 some runs failed, ${BAD_INPUT_EXIT} bad input (bad credentials, a
missing database, a database of a newer schema), ${STORAGE_FAULT_EXIT} the server stopped taking writes (its disk
full, read-only), ${DB_UNAVAILABLE_EXIT} the server away past --db-retry-seconds (committed epochs kept),
130 / 143 stopped by SIGINT / SIGTERM (runs in flight marked interrupted, for any worker to claim)`;

async function worker(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('worker', args, {
    db: { type: 'string' },
    workers: { type: 'string' },
    follow: { type: 'boolean' },
    'lease-seconds': { type: 'string' },
    ...DB_RETRY_OPTION,
  });
  if (positionals.length > 0) throw new UsageError(`worker: unexpected argument "${positionals[0]}"`);
  const dbUrl = dbLocation(values.db);
  if (!isDatabaseUrl(dbUrl))
    throw new UsageError(
      `worker: --db postgresql://... (or $${DB_VARIABLE}) is required (workers share a PostgreSQL database)`,
    );

  const stop = stopOnSignals('marking runs in flight as interrupted');

  const result = await runWorker({
    dbUrl,
    threads: positiveInteger('workers', values.workers),
    follow: values.follow,
    leaseSeconds: positiveInteger('lease-seconds', values['lease-seconds']),
    ...dbRetry(values['db-retry-seconds']),
    signal: stop.signal,
    observer: (sweep) => ({
      runEnded: (_thread, run, outcome) =>
        process.stderr.write(`${sweep.name}: ${run.label}: ${outcome.status}\n`),
    }),
    declined: (line) => process.stderr.write(`ablate: worker: ${line}\n`),
  });
  const { finished, stalled, diverged, pruned, failed, interrupted } = result.ended;
  process.stdout.write(
    `trained ${finished} finished, ${stalled} stalled, ${diverged} diverged, ${pruned} pruned, ${failed} failed, ${interrupted} interrupted` +
      (result.lost > 0 ? `; ${result.lost} lost to another worker after a lapsed lease` : '') +
      '\n',
  );
  const stopped = stop.exitCode();
  if (stopped !== null) return stopped;
  return failed > 0 ? 1 : 0;
}

export const workerCommand: Command = {
  name: 'worker',
  summary: 'train runs of the sweeps in a shared PostgreSQL database, from any machine',
  usage: USAGE,
  run: worker,
};
