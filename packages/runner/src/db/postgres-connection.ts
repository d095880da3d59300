// A pool of connections to one PostgreSQL database (the `pg` package), behind the SqlConnection face
// the rest of db/ writes its SQL against: `?` and `?N` placeholders become $N, 64-bit integers
// (COUNT, SUM, ROW_NUMBER) come back as numbers, and a transaction holds one pooled connection.
// Credentials come as libpq's do, so that none need be on a command line: what the URL leaves out
// from PGHOST, PGPORT, PGUSER and PGDATABASE (pg reads them), the password from the URL, else
// PGPASSWORD, else the password file (PGPASSFILE, default ~/.pgpass).
import { createRequire } from 'node:module';
import pg from 'pg';
import { parseIntoClientConfig } from 'pg-connection-string';
import { DatabaseUnavailableError, Outage, type OutageOptions } from './outage.ts';
import { postgresDialect, type SqlConnection, type SqlParams } from './sql.ts';

/** int8: the counts and sums a results store reads stay far below 2^53. */
const INT8_OID = 20;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID ? Number : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** A URL as it may be shown: its password, before the host or as a parameter, replaced. */
export function redactUrl(url: string): string {
  let shown: string;
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    shown = parsed.toString();
  } catch {
    shown = url.replace(/:[^:@/]*@/, ':***@'); // e.g. postgresql://u:pw@/db?host=/socket, no host
  }
  return shown.replace(/([?&]password=)[^&#]*/gi, '$1***');
}

/** `?` and `?N` as PostgreSQL's $N. No statement in db/ has a ? inside a string literal. */
function numbered(sql: string): string {
  let next = 0;
  return sql.replace(/\?(\d+)?/g, (_, n: string | undefined) => `$${n ?? ++next}`);
}

/** pgpass, node-postgres's own reader of the password file (it ships no types). */
const pgpass = createRequire(import.meta.url)('pgpass') as (
  connection: pg.ClientConfig,
  found: (password: string | undefined) => void,
) => void;

/**
 * The password file's entry for a connection, as pg's `password` function: pg calls it with the
 * connection's parameters (@types/pg declares none), only when the server asks for a password.
 */
const passwordFileEntry = ((connection: pg.ClientConfig) =>
  new Promise<string>((resolve, reject) =>
    pgpass(connection, (password) =>
      password === undefined
        ? reject(
            new Error(
              `no password for user ${connection.user}: give it in PGPASSWORD or in the password file (PGPASSFILE, default ~/.pgpass)`,
            ),
          )
        : resolve(password),
    ),
  )) as () => Promise<string>;

/**
 * Connects and disconnects. Not through the pool: a connection whose authentication failed (no
 * password, a wrong one) stays open there until the server gives up on it, a minute later, and
 * keeps the process alive until then; a client of our own is ended.
 */
async function probe(config: pg.ClientConfig): Promise<void> {
  const client = new pg.Client(config);
  client.on('error', () => undefined); // its failure is connect()'s
  try {
    await client.connect();
  } finally {
    await client.end();
  }
}

type Queryable = pg.Pool | pg.PoolClient;

const IDLE_IN_TRANSACTION_MS = 20_000;

function poolConfig(url: string, poolSize: number): pg.PoolConfig {
  // Parsed here rather than passed as connectionString, with which pg would let the URL's empty
  // password override the password function. Without that function pg would read ~/.pgpass through
  // a fallback that pg 8 deprecates.
  const fromUrl = parseIntoClientConfig(url);
  return {
    max: poolSize,
    types,
    connectionTimeoutMillis: 10_000,
    // A process paused (SIGSTOP) inside a transaction would keep its row locks, and the run it
    // locks could never be claimed again: the server ends such a transaction. Ours take milliseconds;
    // the margin is for a machine so loaded that a client stalls for seconds.
    options: `-c idle_in_transaction_session_timeout=${IDLE_IN_TRANSACTION_MS}`,
    ...fromUrl,
    password: fromUrl.password || process.env.PGPASSWORD || passwordFileEntry,
  };
}

class PgQueries implements SqlConnection {
  readonly dialect = postgresDialect;

  constructor(protected readonly db: Queryable) {}

  async all<T>(sql: string, params: SqlParams = []): Promise<T[]> {
    return (await this.db.query(numbered(sql), params as unknown[])).rows as T[];
  }

  async get<T>(sql: string, params: SqlParams = []): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }

  async run(sql: string, params: SqlParams = []): Promise<{ changes: number }> {
    return { changes: (await this.db.query(numbered(sql), params as unknown[])).rowCount ?? 0 };
  }

  /** Nested transactions share their outer one. */
  transaction<T>(fn: (tx: SqlConnection) => Promise<T>): Promise<T> {
    return fn(this);
  }
}

export interface PgOptions extends Omit<OutageOptions, 'shownUrl'> {
  /** Connections this process keeps to the server (default 4). */
  poolSize?: number;
  /**
   * Seconds a query waits for a server that is away (default retrySeconds; 0 for the dashboard's
   * reads, so that a page answers at once). Without retrySeconds nothing waits (ls, show, export).
   */
  queryPatienceSeconds?: number;
}

export class PgConnection extends PgQueries {
  /** The pool without waiting for the server: a failure is the caller's to take (the heartbeat). */
  readonly once: SqlConnection;

  private constructor(
    private readonly pool: pg.Pool,
    /** The URL with its password hidden, for messages. */
    readonly shownUrl: string,
    private readonly outage: Outage,
    private readonly patience: number,
  ) {
    super(pool);
    this.once = new PgQueries(pool);
  }

  /**
   * Connects once (so a bad URL or password fails here, in one line naming the URL), waiting for a
   * server that is not up yet for options.retrySeconds (outage.ts).
   */
  static async open(url: string, options: PgOptions = {}): Promise<PgConnection> {
    const shown = redactUrl(url);
    const outage = new Outage({ ...options, shownUrl: shown, retrySeconds: options.retrySeconds ?? 0 });
    let config: pg.PoolConfig;
    try {
      config = poolConfig(url, options.poolSize ?? 4);
      // Unasked to wait, a command says at once that it cannot connect, as bad input.
      await (options.retrySeconds === undefined ? probe(config) : outage.retrying(() => probe(config)));
    } catch (err) {
      if (err instanceof DatabaseUnavailableError) throw err;
      throw new Error(`cannot connect to ${shown}: ${(err as Error).message}`);
    }
    const pool = new pg.Pool(config);
    // A connection the server ends (a restart, pg_terminate_backend) fails the query in flight, if
    // any, and is replaced on next use; its 'error' event, which may come after the query failed and
    // the connection went back to the pool (a write EPIPE, then the server's farewell), must not
    // also end the process. An idle one's is the pool's.
    pool.on('connect', (client) => client.on('error', () => undefined));
    pool.on('error', () => undefined);
    return new PgConnection(pool, shown, outage, options.queryPatienceSeconds ?? outage.retrySeconds);
  }

  override all<T>(sql: string, params?: SqlParams): Promise<T[]> {
    return this.outage.retrying(() => super.all<T>(sql, params), this.patience);
  }

  override run(sql: string, params?: SqlParams): Promise<{ changes: number }> {
    return this.outage.retrying(() => super.run(sql, params), this.patience);
  }

  /** Runs fn in a transaction, all of it again if the server went away before it committed. */
  override transaction<T>(fn: (tx: SqlConnection) => Promise<T>): Promise<T> {
    return this.outage.retrying(() => this.transactionOnce(fn), this.patience);
  }

  private async transactionOnce<T>(fn: (tx: SqlConnection) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await fn(new PgQueries(client));
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch((lost: Error) => (broken = lost));
      throw err;
    } finally {
      client.release(broken);
    }
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}
