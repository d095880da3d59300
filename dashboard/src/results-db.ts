// The dashboard's one handle on a results store, a SQLite file or a PostgreSQL URL (a sweep shared
// by workers): opened read-only on first use, and again later if the file did not exist yet (the
// dashboard may be started before the first sweep).
import { existsSync } from 'node:fs';
import { isDatabaseUrl, openReader, type ResultsReader } from '@ablate/runner/store';
import { HttpError } from './http-error.ts';

export const NO_SWEEPS_HINT = 'no sweeps yet: run npx nx run runner:sweep experiments/mnist.yaml';

export class ResultsDb {
  private opening: Promise<ResultsReader> | null = null;

  constructor(readonly path: string) {}

  /** The open store, or null while the file does not exist. */
  async get(): Promise<ResultsReader | null> {
    if (!this.opening) {
      if (!isDatabaseUrl(this.path) && !existsSync(this.path)) return null;
      const opening = openReader(this.path);
      this.opening = opening;
      // A failed open (e.g. a half-written file) is retried on the next request, not cached.
      opening.catch(() => (this.opening = null));
    }
    return this.opening;
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
