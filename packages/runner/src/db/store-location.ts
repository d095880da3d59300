// Where a results store lives, as --db names it: a PostgreSQL URL (postgres:// or postgresql://,
// libpq's form) or a SQLite file path. Everything that opens a store by that string comes here.
import {
  openPostgresAnnotator,
  openPostgresReader,
  openPostgresStore,
  type PostgresStoreOptions,
} from './postgres-store.ts';
import { openSqliteAnnotator, openSqliteReader, openSqliteStore } from './sqlite-store.ts';
import type { ResultsReader, ResultsStore, RunAnnotator, SharedResultsStore } from './store.ts';

export function isDatabaseUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//.test(location);
}

/** A store for writing: a shared one on PostgreSQL, one process's on a SQLite file. */
export function openStore(location: string, options: PostgresStoreOptions = {}): Promise<ResultsStore> {
  return isDatabaseUrl(location) ? openPostgresStore(location, options) : openSqliteStore(location);
}

/** A store many workers share: PostgreSQL only. */
export function openSharedStore(
  url: string,
  options: PostgresStoreOptions = {},
): Promise<SharedResultsStore> {
  if (!isDatabaseUrl(url))
    throw new Error(`${url}: workers share a PostgreSQL database (postgresql://...), not a file`);
  return openPostgresStore(url, options);
}

/** A store for reading; on PostgreSQL, options say how long to wait for the server at the start. */
export function openReader(location: string, options: PostgresStoreOptions = {}): Promise<ResultsReader> {
  return isDatabaseUrl(location) ? openPostgresReader(location, options) : openSqliteReader(location);
}

export function openAnnotator(location: string): Promise<RunAnnotator> {
  return isDatabaseUrl(location) ? openPostgresAnnotator(location) : openSqliteAnnotator(location);
}

/** Whether a store is shared by workers (they claim runs with claimNext). */
export function isShared(store: ResultsStore): store is SharedResultsStore {
  return 'claimNext' in store;
}
