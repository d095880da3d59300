// @ablate/runner/store: the results store (store.ts) for everything outside the runner that reads
// or writes results: the dashboard, tests, scripts. db/ imports nothing from the rest of the runner
// but view/'s plain functions (canonical JSON, shared with the browser).
export type { ClaimStart, ResultsReader, ResultsStore, RunAnnotator, SharedResultsStore } from './store.ts';
export { LeaseLostError } from './store.ts';
export {
  isDatabaseUrl,
  isShared,
  openAnnotator,
  openReader,
  openSharedStore,
  openStore,
} from './store-location.ts';
export { DEFAULT_LEASE_SECONDS } from './sql-store.ts';
export { redactUrl } from './postgres-connection.ts';
export * from './records.ts';
export { DatabaseBusyError } from './lease.ts';
export { StorageFaultError } from './faults.ts';
export { DatabaseUnavailableError, DEFAULT_DB_RETRY_SECONDS } from './outage.ts';
export type { PostgresStoreOptions } from './postgres-store.ts';
export { NoResultsError } from './tables.ts';
export { dataKeyOf, hashConfig } from './identity.ts';
export { canonicalJson } from '../view/canonical.js';
export { encodeWeights } from './weights-blob.ts';
// The SQLite layer underneath, for tests that check what is on disk.
export { Database } from './database.ts';
export { openForReading, openForWriting } from './tables.ts';
export { runDiagnosis } from './diagnosis.ts';
