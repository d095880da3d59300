// A PostgreSQL server that is away for a while (restarted, failing over, cut off by the network, not
// up yet) is an outage, not bad input: what meets it waits, retrying with capped exponential backoff
// and jitter, for up to a stated time measured from when the outage began, and carries on where it
// was. The process says once that the outage began and once that it ended; past the limit every
// waiter fails with DatabaseUnavailableError (its own exit code), having written nothing it did not
// commit. Only availability is waited for: a wrong password, a missing database, a newer schema or a
// constraint violation fails at once.
import { setTimeout as sleep } from 'node:timers/promises';

/** How long a sweep, a worker or serve waits for a database that is away, by default. */
export const DEFAULT_DB_RETRY_SECONDS = 300;

/** The first wait after a failure, and the longest: a restart takes seconds, a failover a minute. */
const FIRST_DELAY_MS = 100;
const MAX_DELAY_MS = 5000;

/** SQLSTATEs of a server going away: admin shutdown, crash shutdown, cannot connect now (57P0x). */
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03']);
/** A socket or host that is not there (yet): no server listening, a reset, a missing Unix socket. */
const UNAVAILABLE_ERRNOS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOENT',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);
/** What node-postgres says, with no code, when a connection ends under a query or cannot be made in time. */
const UNAVAILABLE_MESSAGES =
  /Connection terminated|connection error and is not queryable|timeout exceeded when trying to connect/i;

/** Whether err means the server is not reachable now (rather than that the request is wrong). */
export function isUnavailable(err: unknown): boolean {
  const { code, message } = (err ?? {}) as { code?: unknown; message?: unknown };
  if (
    typeof code === 'string' &&
    (code.startsWith('08') || UNAVAILABLE_STATES.has(code) || UNAVAILABLE_ERRNOS.has(code))
  )
    return true;
  return typeof message === 'string' && UNAVAILABLE_MESSAGES.test(message);
}

/** The database stayed unreachable longer than the process was told to wait. */
export class DatabaseUnavailableError extends Error {
  override name = 'DatabaseUnavailableError';
}

export interface OutageOptions {
  /** The database as messages name it (a URL, its password redacted). */
  shownUrl: string;
  /** How long to wait, from the outage's start (DEFAULT_DB_RETRY_SECONDS). */
  retrySeconds?: number;
  /** Receives the line saying the outage began, and the one saying it ended. */
  notify?(line: string): void;
}

/** One process's view of its database's availability, shared by everything that queries it. */
export class Outage {
  private since: number | null = null;
  private reason = '';
  readonly retrySeconds: number;

  constructor(private readonly options: OutageOptions) {
    this.retrySeconds = options.retrySeconds ?? DEFAULT_DB_RETRY_SECONDS;
  }

  /**
   * Runs op, and again while it fails for want of the server, until the outage has lasted
   * `patienceSeconds` (retrySeconds by default; 0: fail at once, as a page request should).
   */
  async retrying<T>(op: () => Promise<T>, patienceSeconds = this.retrySeconds): Promise<T> {
    let delay = FIRST_DELAY_MS;
    for (;;) {
      try {
        const result = await op();
        this.ended();
        return result;
      } catch (err) {
        if (!isUnavailable(err)) throw err;
        const since = this.began(err, patienceSeconds);
        const left = since + patienceSeconds * 1000 - Date.now();
        if (left <= 0) throw this.unavailable(patienceSeconds);
        // Jitter: workers on many machines that lost the server together do not return together.
        await sleep(Math.min(left, delay * (0.5 + Math.random() / 2)));
        delay = Math.min(delay * 2, MAX_DELAY_MS);
      }
    }
  }

  /** The error a waiter gives up with, past the limit. */
  private unavailable(patienceSeconds: number): DatabaseUnavailableError {
    const unreachable = `results database ${this.options.shownUrl}: unreachable`;
    // A request that did not wait (the dashboard's) has nothing to add: it is asked again later.
    if (patienceSeconds === 0) return new DatabaseUnavailableError(`${unreachable} (${this.reason})`);
    return new DatabaseUnavailableError(
      `${unreachable} for ${patienceSeconds} s (${this.reason}); ` +
        'everything committed is kept: rerun once the server is back (--db-retry-seconds waits longer)',
    );
  }

  private began(err: unknown, patienceSeconds: number): number {
    if (this.since === null) {
      this.since = Date.now();
      this.reason = ((err as Error).message ?? String(err)).split('\n')[0];
      const waiting = patienceSeconds > 0 ? `; waiting up to ${patienceSeconds} s for it` : '';
      this.options.notify?.(
        `results database ${this.options.shownUrl} unreachable (${this.reason})${waiting}`,
      );
    }
    return this.since;
  }

  private ended(): void {
    if (this.since === null) return;
    const seconds = ((Date.now() - this.since) / 1000).toFixed(1);
    this.since = null;
    this.options.notify?.(`results database ${this.options.shownUrl} is back after ${seconds} s`);
  }
}
