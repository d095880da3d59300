// Joining a sweep in a shared store (PostgreSQL) from any machine: prepare its data from this
// machine's own copy of the sources, check it is the data the sweep recorded, and claim its runs
// one at a time in plan order.
import type { PlannedRun, RunConfig } from '../config/index.ts';
import type { ClaimStart, SharedResultsStore, SweepRecord } from '../db/index.ts';
import { prepareDataset, type SweepDataset } from './sweep-data.ts';
import type { ClaimedTask } from './train-claims.ts';

/** Why this machine's data cannot train the sweep (the first spec that differs), or null when it can. */
export function dataMismatch(sweep: SweepRecord, datasets: ReadonlyMap<string, SweepDataset>): string | null {
  for (const [key, recorded] of Object.entries(sweep.dataFingerprints ?? {})) {
    const here = datasets.get(key)?.fingerprint;
    if (here !== recorded)
      return (
        `sweep "${sweep.name}" (#${sweep.id}): this machine's data ${key} has fingerprint ` +
        `${here?.slice(0, 12) ?? 'none'}, the sweep's is ${recorded.slice(0, 12)}; declined`
      );
  }
  return null;
}

/** Prepares every data spec the sweep recorded that `known` lacks, from this machine's sources. */
export function prepareRecordedData(
  sweep: SweepRecord,
  known: ReadonlyMap<string, SweepDataset>,
): Map<string, SweepDataset> {
  const missing = Object.keys(sweep.dataFingerprints ?? {}).filter((key) => !known.has(key));
  return new Map(missing.map((key) => [key, prepareDataset(JSON.parse(key) as RunConfig['data'])]));
}

/** Claims the sweep's next claimable run (null when none is now) as a task for the pool. */
export function claimFrom(
  store: SharedResultsStore,
  sweepId: number,
  start: ClaimStart,
): () => Promise<ClaimedTask | null> {
  return async () => {
    const claimed = await store.claimNext(sweepId, start);
    // The store keeps the config as the plan made it: a RunConfig.
    return claimed && { claim: claimed.claim, from: claimed.from, run: claimed.run as PlannedRun };
  };
}
