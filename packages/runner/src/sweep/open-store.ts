// Opening the results store a sweep or a worker writes: a location that cannot hold a database (a
// bad path, an unreachable server, bad credentials, a newer schema) is bad input, said in one line;
// a database there whose storage takes no writes (read-only, full) is a StorageFaultError.
import { DatabaseBusyError, openSharedStore, openStore, redactUrl, StorageFaultError } from '../db/index.ts';
import type { ResultsStore, SharedResultsStore } from '../db/index.ts';

/**
 * Bad input found before anything was written: a data spec that cannot load, a changed sweep, a
 * --db path that cannot hold a database.
 */
export class SweepInputError extends Error {
  override name = 'SweepInputError';
}

function badLocation(location: string, err: unknown): SweepInputError {
  const reason = err instanceof Error ? err.message : String(err);
  return new SweepInputError(`--db ${redactUrl(location)}: cannot use it as a results database (${reason})`);
}

/** A SQLite file (its lease taken: DatabaseBusyError while another sweep holds it) or PostgreSQL. */
export async function openResults(location: string, leaseSeconds?: number): Promise<ResultsStore> {
  try {
    return await openStore(location, { leaseSeconds });
  } catch (err) {
    if (err instanceof DatabaseBusyError || err instanceof StorageFaultError) throw err;
    throw badLocation(location, err);
  }
}

/** A store shared by workers (PostgreSQL). */
export async function openSharedResults(
  location: string,
  leaseSeconds?: number,
): Promise<SharedResultsStore> {
  try {
    return await openSharedStore(location, { leaseSeconds });
  } catch (err) {
    if (err instanceof StorageFaultError) throw err;
    throw badLocation(location, err);
  }
}
