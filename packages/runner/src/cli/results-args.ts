// Naming results on the command line: a run by its id or the first digits of it, a sweep by its
// number or its name (the newest version of that name).
import { openReader, type ResultsReader } from '../db/index.ts';
import { UsageError } from './args.ts';

/** fn over a reader of the store at `location`, closed afterwards whatever happens. */
export async function withReader<T>(location: string, fn: (reader: ResultsReader) => Promise<T>): Promise<T> {
  const reader = await openReader(location);
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
export async function findSweep(reader: ResultsReader, typed: string): Promise<{ id: number; name: string }> {
  const sweeps = await reader.sweepList(); // newest first
  const found = /^\d+$/.test(typed)
    ? sweeps.find((sweep) => sweep.id === Number(typed))
    : sweeps.find((sweep) => sweep.name === typed);
  if (!found) throw new UsageError(`sweep ${typed}: no such sweep (see ablate ls)`);
  return found;
}
