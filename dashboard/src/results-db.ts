// The dashboard's one handle on a results database: opened read-only on first use, and again
// later if the file did not exist yet (the dashboard may be started before the first sweep).
import { existsSync } from 'node:fs';
import { openForReading, type Database } from '@ablate/runner/schema';
import { HttpError } from './http-error.ts';

export const NO_SWEEPS_HINT = 'no sweeps yet: run npx nx run runner:sweep experiments/mnist.yaml';

export class ResultsDb {
  private opening: Promise<Database> | null = null;

  constructor(readonly path: string) {}

  /** The open database, or null while the file does not exist. */
  async get(): Promise<Database | null> {
    if (!this.opening) {
      if (!existsSync(this.path)) return null;
      this.opening = openForReading(this.path);
      // A failed open (e.g. a half-written file) is retried on the next request, not cached.
      this.opening.catch(() => (this.opening = null));
    }
    return this.opening;
  }

  /** The open database, or a 503 whose message says how to make one. */
  async require(): Promise<Database> {
    const db = await this.get();
    if (!db) throw new HttpError(503, NO_SWEEPS_HINT);
    return db;
  }

  async close(): Promise<void> {
    const opening = this.opening;
    this.opening = null;
    if (opening) await (await opening).close();
  }
}
