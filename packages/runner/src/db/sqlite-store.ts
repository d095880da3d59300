// The results store on one SQLite file (store.ts has the interface; sql-store.ts the writes both
// engines share). One process owns the file: it holds the lease (lease.ts) from open to close, so
// claiming a run is a status check and an update. Every write goes through a single queue so
// transactions never interleave on the connection, and each epoch is committed on its own (epoch row
// and layer statistics together): a crash loses at most the epoch in flight. Reads go straight to
// the connection (WAL: they never wait for writes).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Database } from './database.ts';
import { namingFaults } from './faults.ts';
import { acquireLease, type Lease } from './lease.ts';
import type { SqlConnection } from './sql.ts';
import { annotator, DEFAULT_LEASE_SECONDS, SqlStore } from './sql-store.ts';
import { SqlReads } from './sql-reads.ts';
import type { ResultsReader, ResultsStore, RunAnnotator } from './store.ts';
import { openForReading, openForWriting } from './tables.ts';

/**
 * For tests of a full disk: with ABLATE_SQLITE_MAX_PAGES=N in the environment, a sweep's writer
 * connection may grow the file to N pages (PRAGMA max_page_count) and then fails with SQLITE_FULL,
 * as on a full disk, at a point that depends only on what was written. Unset, there is no limit.
 */
const MAX_PAGES_VARIABLE = 'ABLATE_SQLITE_MAX_PAGES';

/**
 * Opens the results store at dbPath for a sweep: takes the file's lease (DatabaseBusyError while
 * another live sweep holds it), creates folders and file if needed, migrates it to SCHEMA_VERSION.
 */
export async function openSqliteStore(dbPath: string): Promise<ResultsStore> {
  mkdirSync(path.dirname(dbPath), { recursive: true });
  const lease = acquireLease(dbPath);
  try {
    const db = await namingFaults(dbPath, openForWriting(dbPath));
    const maxPages = process.env[MAX_PAGES_VARIABLE];
    // A pragma takes no bound parameter: the value is checked to be a whole number first.
    if (maxPages && /^\d+$/.test(maxPages)) await db.get(`PRAGMA max_page_count = ${maxPages}`);
    return new SqliteStore(db, lease);
  } catch (err) {
    lease.release();
    throw err;
  }
}

/**
 * Opens a results store for annotations (tags and notes): no lease, since a sweep may be writing
 * the same file (SQLite serializes the two writers); migrated like any writer's open, but never
 * created (NoResultsError): a run to annotate is in a database a sweep made.
 */
export async function openSqliteAnnotator(dbPath: string): Promise<RunAnnotator> {
  const db = await openForWriting(dbPath, { create: false });
  return annotator(db, () => db.close());
}

/** Opens a results store read-only (the dashboard): no lease, no migration; NoResultsError without one. */
export async function openSqliteReader(dbPath: string): Promise<ResultsReader> {
  const db = await openForReading(dbPath);
  return Object.assign(new SqliteReader(db), { close: () => db.close() });
}

/**
 * The reads of a connection that never writes. The dashboard asks for a sweep's change token on
 * every page load and every poll of its event stream, and one reads every run of the sweep (tens
 * of ms at 10,000 runs, on a core the browser needs). SQLite's data_version moves exactly when
 * another connection commits to the file, so while it stands still the last tokens still hold.
 */
class SqliteReader extends SqlReads {
  private dataVersion: number | undefined;
  private readonly tokens = new Map<number | null, Promise<string>>();

  override async changeToken(sweepId: number | null): Promise<string> {
    const row = await this.db.get<{ data_version: number }>('PRAGMA data_version');
    if (row?.data_version !== this.dataVersion) {
      this.tokens.clear();
      this.dataVersion = row?.data_version;
    }
    let token = this.tokens.get(sweepId);
    if (!token) {
      token = super.changeToken(sweepId);
      this.tokens.set(sweepId, token);
      token.catch(() => this.tokens.get(sweepId) === token && this.tokens.delete(sweepId));
    }
    return token;
  }
}

class SqliteStore extends SqlStore implements ResultsStore {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly file: Database,
    private readonly lease: Lease,
  ) {
    // Leases are recorded as on any store; the file's owner is the one process holding lease.ts's.
    super(file, DEFAULT_LEASE_SECONDS);
  }

  /** Runs fn after every write queued before it; a failed write does not block the ones after. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.queue.then(fn);
    this.queue = result.catch(() => undefined);
    return result;
  }

  protected write<T>(fn: (tx: SqlConnection) => Promise<T>): Promise<T> {
    return namingFaults(
      this.file.path,
      this.serial(() => this.file.transaction(fn)),
    );
  }

  /**
   * Runs still marked running belong to a process that is gone (killed, crashed, powered off):
   * they become interrupted, to be trained again. Returns how many there were.
   */
  async recoverAbandoned(): Promise<number> {
    const recovering = this.serial(() =>
      this.file.run("UPDATE runs SET status = 'interrupted' WHERE status = 'running'"),
    );
    return (await namingFaults(this.file.path, recovering)).changes;
  }

  /** Resolves when every write queued so far has settled. */
  async flush(): Promise<void> {
    await this.queue;
  }

  /** Waits for every queued write, then closes the connection and gives up the lease. */
  async close(): Promise<void> {
    try {
      await this.flush();
      await this.file.close();
    } finally {
      this.lease.release();
    }
  }
}
