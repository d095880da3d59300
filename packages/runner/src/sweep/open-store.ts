// Opening the results store a sweep or a worker writes: a location that cannot hold a database (a
// bad path, bad credentials, a missing database, a newer schema) is bad input, said in one line; a
// database there whose storage takes no writes (read-only, full) is a StorageFaultError, and a
// server away for longer than the process waits (outage.ts) a DatabaseUnavailableError.
import {
  DatabaseBusyError,
  DatabaseUnavailableError,
  openSharedStore,
  openStore,
  redactUrl,
  StorageFaultError,
} from '../db/index.ts';
import type { PostgresStoreOptions, ResultsStore, SharedResultsStore } from '../db/index.ts';

/**
 * Bad input found before anything was written: a data spec that cannot load, a changed sweep, a
 * --db path that cannot hold a database.
 */
export class SweepInputError extends Error {
  override name = 'SweepInputError';
}

/** Errors that are not the location's fault: the store was there, but busy, unwritable or away. */
const NOT_INPUT = [DatabaseBusyError, StorageFaultError, DatabaseUnavailableError];

function badLocation(location: string, err: unknown): unknown {
  if (NOT_INPUT.some((kind) => err instanceof kind)) return err;
  const reason = err instanceof Error ? err.message : String(err);
  return new SweepInputError(`--db ${redactUrl(location)}: cannot use it as a results database (${reason})`);
}

/** A SQLite file (its lease taken: DatabaseBusyError while another sweep holds it) or PostgreSQL. */
export async function openResults(location: string, options: PostgresStoreOptions): Promise<ResultsStore> {
  try {
    return await openStore(location, options);
  } catch (err) {
    throw badLocation(location, err);
  }
}

/** A store shared by workers (PostgreSQL). */
export async function openSharedResults(
  location: string,
  options: PostgresStoreOptions,
): Promise<SharedResultsStore> {
  try {
    return await openSharedStore(location, options);
  } catch (err) {
    throw badLocation(location, err);
  }
}
