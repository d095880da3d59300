// A small promise face over the sqlite3 package's callback API: just what the runner and the
// dashboard use. Every statement takes bound parameters; no SQL is ever built from values.
import sqlite3 from 'sqlite3';
import { sqliteDialect, type SqlConnection } from './sql.ts';

/** Values bound to a statement's ? (a list) or :name (a map) placeholders. */
export type SqlParams = readonly unknown[] | Record<string, unknown>;

export interface OpenOptions {
  /** Open without write access (the dashboard). The file must exist. */
  readonly?: boolean;
  /** Open for writing a file that must exist: SQLite creates none (an annotator never starts a database). */
  mustExist?: boolean;
  /** How long a statement waits for a lock held by another connection, in ms. */
  busyTimeoutMs?: number;
}

/** One connection to an SQLite file. */
export class Database implements SqlConnection {
  readonly dialect = sqliteDialect;

  private constructor(
    private readonly db: sqlite3.Database,
    readonly path: string,
  ) {}

  static open(path: string, options: OpenOptions = {}): Promise<Database> {
    const mode = options.readonly
      ? sqlite3.OPEN_READONLY
      : sqlite3.OPEN_READWRITE | (options.mustExist ? 0 : sqlite3.OPEN_CREATE);
    return new Promise((resolve, reject) => {
      const db = new sqlite3.Database(path, mode, (err) => {
        // The result code stays on the error: a read-only folder is a storage fault (faults.ts).
        if (err)
          reject(
            Object.assign(new Error(`cannot open database ${path}: ${err.message}`), {
              code: (err as NodeJS.ErrnoException).code,
            }),
          );
        else {
          db.configure('busyTimeout', options.busyTimeoutMs ?? 10_000);
          resolve(new Database(db, path));
        }
      });
    });
  }

  run(sql: string, params: SqlParams = []): Promise<{ changes: number; lastID: number }> {
    return new Promise((resolve, reject) => {
      this.db.run(sql, params, function (err) {
        if (err) reject(err);
        else resolve({ changes: this.changes, lastID: this.lastID });
      });
    });
  }

  get<T>(sql: string, params: SqlParams = []): Promise<T | undefined> {
    return new Promise((resolve, reject) => {
      this.db.get(sql, params, (err, row) => (err ? reject(err) : resolve(row as T | undefined)));
    });
  }

  all<T>(sql: string, params: SqlParams = []): Promise<T[]> {
    return new Promise((resolve, reject) => {
      this.db.all(sql, params, (err, rows) => (err ? reject(err) : resolve(rows as T[])));
    });
  }

  /** Several statements without parameters (DDL, pragmas). */
  exec(sql: string): Promise<void> {
    return new Promise((resolve, reject) => this.db.exec(sql, (err) => (err ? reject(err) : resolve())));
  }

  /**
   * Runs fn inside BEGIN IMMEDIATE ... COMMIT, rolling back if it throws. Callers must not start
   * another transaction on this connection until the promise settles.
   */
  async transaction<T>(fn: (tx: Database) => Promise<T>): Promise<T> {
    await this.exec('BEGIN IMMEDIATE');
    try {
      const result = await fn(this);
      await this.exec('COMMIT');
      return result;
    } catch (err) {
      // SQLite has rolled back already after some errors (SQLITE_FULL, SQLITE_IOERR), and then
      // ROLLBACK fails with "no transaction is active": the error to report is the first one.
      await this.exec('ROLLBACK').catch(() => undefined);
      throw err;
    }
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => this.db.close((err) => (err ? reject(err) : resolve())));
  }
}
