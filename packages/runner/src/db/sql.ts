// What the SQL in db/ runs on, whichever engine is underneath: a connection with bound parameters
// (`?`, or `?N` for the Nth), transactions, and the few phrases the two engines spell differently.
// Each query and view is written once, in the subset SQLite and PostgreSQL share, and reads these
// phrases where they part.

/** Values bound to a statement's ? / ?N placeholders. */
export type SqlParams = readonly unknown[];

export interface Dialect {
  name: 'sqlite' | 'postgres';
  /** The values of a list bound as one JSON parameter `?`, as a subquery: `id IN (${inList})`. */
  inList: string;
  /** The database clock, in seconds since 1970 (leases are measured by it, never by a host's). */
  nowSeconds: string;
  /** What ends a SELECT that claims the rows it reads, skipping those another transaction holds. */
  claimRows: string;
  /**
   * Every table's columns, as rows { table_name, column_name } (views left out): what a migration
   * reads to find the tables that name a run and the columns of a row it copies.
   */
  tableColumns: string;
}

export const sqliteDialect: Dialect = {
  name: 'sqlite',
  inList: 'SELECT value FROM json_each(?)',
  nowSeconds: "unixepoch('subsec')",
  // One process owns a SQLite file (lease.ts), and BEGIN IMMEDIATE already excludes other writers.
  claimRows: '',
  tableColumns: `SELECT m.name AS table_name, p.name AS column_name
                   FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table'`,
};

export const postgresDialect: Dialect = {
  name: 'postgres',
  inList: 'SELECT json_array_elements_text(?::json)',
  nowSeconds: 'extract(epoch from clock_timestamp())::float8',
  claimRows: 'FOR UPDATE OF r SKIP LOCKED',
  tableColumns: `SELECT c.table_name, c.column_name
                   FROM information_schema.columns c
                   JOIN information_schema.tables t USING (table_schema, table_name)
                  WHERE t.table_schema = current_schema() AND t.table_type = 'BASE TABLE'`,
};

export interface SqlConnection {
  readonly dialect: Dialect;
  all<T>(sql: string, params?: SqlParams): Promise<T[]>;
  get<T>(sql: string, params?: SqlParams): Promise<T | undefined>;
  /** A statement that returns no rows; `changes` counts the rows it touched. */
  run(sql: string, params?: SqlParams): Promise<{ changes: number }>;
  /** Runs fn in one transaction on one connection (tx), committing if it returns, rolling back if it throws. */
  transaction<T>(fn: (tx: SqlConnection) => Promise<T>): Promise<T>;
}
