// Naming results on the command line: the database (--db), a run by its id or the first digits of
// it, a sweep by its number or its name (the newest version of that name).
import {
  DatabaseBusyError,
  NoResultsError,
  openReader,
  redactUrl,
  type ResultsReader,
  type SweepListing,
} from '../db/index.ts';
import { dbLocation, UsageError } from './args.ts';

/** The --db option: the results database a command works on (DEFAULT_DB without it). */
export class DbOption {
  readonly location: string;

  constructor(
    private readonly command: string,
    /** --db as typed; undefined for the default. */
    private readonly typed: string | undefined,
  ) {
    this.location = dbLocation(typed);
  }

  /** `open` at this location; what it cannot open is bad input, said in one line (refusal). */
  async open<T>(open: (location: string) => Promise<T>): Promise<T> {
    try {
      return await open(this.location);
    } catch (err) {
      throw this.refusal(err);
    }
  }

  /**
   * The one line for an error opening the store here, naming --db when it was typed: no results
   * yet (and how to make some), or why the location is refused (not a results database, a newer
   * schema, an unreachable server). A busy database keeps its own message.
   */
  refusal(err: unknown): Error {
    if (err instanceof DatabaseBusyError) return err;
    const shown = redactUrl(this.location);
    if (err instanceof NoResultsError)
      return new UsageError(
        this.typed === undefined
          ? `${this.command}: no results yet at ${shown}: run ablate sweep FILE first`
          : `${this.command}: no results yet at --db ${shown}: check the path, or run ablate sweep FILE --db ${shown} first`,
      );
    const named = this.typed === undefined ? shown : `--db ${shown}`;
    const message = (err instanceof Error ? err.message : String(err)).split('\n')[0];
    // Most of the store's messages start with the location, which this line names already.
    const reason = message.startsWith(`${shown}: `) ? message.slice(shown.length + 2) : message;
    return new UsageError(`${this.command}: ${named}: ${reason}`);
  }
}

/** fn over a reader of the store `db` names, closed afterwards whatever happens. */
export async function withReader<T>(db: DbOption, fn: (reader: ResultsReader) => Promise<T>): Promise<T> {
  const reader = await db.open(openReader);
  try {
    return await fn(reader);
  } finally {
    await reader.close();
  }
}

/** How many digits of a run id people type at least (ids are 16 hex digits). */
const MIN_PREFIX = 4;

/** The one run `typed` names. */
export async function findRun(reader: ResultsReader, typed: string): Promise<string> {
  if (!/^[0-9a-f]+$/.test(typed) || typed.length < MIN_PREFIX)
    throw new UsageError(
      `run ${JSON.stringify(typed)}: expected a run id, or at least its first ${MIN_PREFIX} hex digits`,
    );
  const ids = await reader.runsByPrefix(typed);
  if (ids.length === 0) throw new UsageError(`run ${typed}: no run has an id starting so`);
  if (ids.length > 1)
    throw new UsageError(
      `run ${typed}: ${ids.length} runs match (${ids.slice(0, 3).join(', ')}...); type more digits`,
    );
  return ids[0];
}

/** The sweep `typed` names: its number, or the newest version of that name. */
export async function findSweep(reader: ResultsReader, typed: string): Promise<SweepListing> {
  const sweeps = await reader.sweepList(); // newest first
  const found = /^\d+$/.test(typed)
    ? sweeps.find((sweep) => sweep.id === Number(typed))
    : sweeps.find((sweep) => sweep.name === typed);
  if (!found) throw new UsageError(`sweep ${typed}: no such sweep (see ablate ls)`);
  return found;
}
