// The dashboard's one handle on a results store, a SQLite file or a PostgreSQL URL (a sweep shared
// by workers): opened read-only on first use, and again later while it holds no results yet (the
// dashboard may be started before the first sweep; the store's NoResultsError says when). A
// PostgreSQL server that is away is waited for at the start, as long as asked; afterwards a request
// never waits for it: it answers 503 with one line (DatabaseUnavailableError) until it is back.
import {
  DatabaseUnavailableError,
  NoResultsError,
  openReader,
  type PostgresStoreOptions,
  type ResultsReader,
} from '@ablate/runner/store';
import { HttpError } from './http-error.ts';

export const NO_SWEEPS_HINT = 'no sweeps yet: run npx nx run runner:sweep experiments/mnist.yaml';

/** A results database the dashboard cannot open: the message names it (a URL redacted) and why. */
export class UnreadableDbError extends Error {
  override name = 'UnreadableDbError';
}

export class ResultsDb {
  private opening: Promise<ResultsReader> | null = null;

  /** retry: how long check() waits for a server that is away, and where the outage's lines go. */
  constructor(
    readonly path: string,
    private readonly retry: Pick<PostgresStoreOptions, 'retrySeconds' | 'notify'> = {},
  ) {}

  /** The open store, or null while it holds no results yet; opening waits `retrySeconds` for a server that is away. */
  async get(retrySeconds = 0): Promise<ResultsReader | null> {
    if (!this.opening) {
      const opening = openReader(this.path, { ...this.retry, retrySeconds });
      this.opening = opening;
      // A failed open (no results yet, a half-written file) is retried on the next request.
      opening.catch(() => (this.opening = null));
    }
    return this.opening.catch((err: unknown) => {
      if (err instanceof NoResultsError) return null;
      throw err;
    });
  }

  /**
   * Opens the store now, so that an unreadable file, an unreachable server or refused credentials
   * stop the start rather than fail every request. Results may come later (see the top of this
   * file). Reading needs no write access: a full disk or a read-only file is read as it is.
   */
  async check(): Promise<void> {
    try {
      await this.get(this.retry.retrySeconds);
    } catch (err) {
      if (err instanceof DatabaseUnavailableError) throw err;
      throw new UnreadableDbError((err as Error).message);
    }
  }

  /** The open store, or a 503 whose message says how to make one. */
  async require(): Promise<ResultsReader> {
    const store = await this.get();
    if (!store) throw new HttpError(503, NO_SWEEPS_HINT);
    return store;
  }

  async close(): Promise<void> {
    const opening = this.opening;
    this.opening = null;
    if (opening) await (await opening).close();
  }
}
