// Joining a sweep in a shared store (PostgreSQL) from any machine: prepare its data from this
// machine's own copy of the sources, check it is the data the sweep recorded, and claim its runs
// one at a time in plan order.
import type { PlannedRun, RunConfig } from '../config/index.ts';
import type { ClaimStart, SharedResultsStore, SweepRecord } from '../db/index.ts';
import { prepareDataset, type SweepDataset } from './sweep-data.ts';
import type { ClaimedTask } from './train-claims.ts';
import type { Pruner } from './pruning.ts';
import { setTimeout as sleep } from 'node:timers/promises';

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

/**
 * Claims the sweep's next claimable run (null when none is now) as a task for the pool: while the
 * sweep prunes, a parked run whose decision can be made now when no other run is claimable.
 */
export function claimFrom(
  store: SharedResultsStore,
  sweepId: number,
  start: ClaimStart,
  pruner: Pruner | null = null,
): () => Promise<ClaimedTask | null> {
  const claimParked = async () => {
    for (const id of pruner ? await pruner.ready(await store.parkedRuns(sweepId)) : []) {
      // Another worker may have claimed it since: then the next one.
      const claimed = await store.claimNext(sweepId, start, id);
      if (claimed) return claimed;
    }
    return null;
  };
  return async () => {
    const claimed = (await store.claimNext(sweepId, start)) ?? (await claimParked());
    // The store keeps the config as the plan made it: a RunConfig.
    return claimed && { claim: claimed.claim, from: claimed.from, run: claimed.run as PlannedRun };
  };
}

/** How often a process whose sweep's other runs others are training looks again. */
const WAIT_MS = 1000;

/**
 * Claims from a shared store until the sweep has no run left that anyone is training (or a parked
 * run that could be freed); waits meanwhile.
 */
export function sharedClaims(
  store: SharedResultsStore,
  sweepId: number,
  claim: () => Promise<ClaimedTask | null>,
  signal: AbortSignal | undefined,
): () => Promise<ClaimedTask | null> {
  return async () => {
    while (!signal?.aborted) {
      const task = await claim();
      if (task) return task;
      if ((await store.runsLeft(sweepId)) === 0) return null;
      // Others are training the rest; one of their leases may yet lapse, or a parked run be freed.
      await sleep(WAIT_MS, undefined, { signal }).catch(() => undefined);
    }
    return null;
  };
}
