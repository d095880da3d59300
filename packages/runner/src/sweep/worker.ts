// `worker`: join every sweep in a shared store (PostgreSQL) that has runs left to train, from any
// machine, until none has (or, following, forever). A sweep that needs another kernel set, whose
// data this machine prepares differently, or whose custom components' files differ here (or are
// missing), is declined in one line and left to other workers.
import { availableParallelism } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { kernels as activeKernels } from '@ablate/tensor';
import { componentMismatch } from '../config/components.ts';
import {
  DEFAULT_DB_RETRY_SECONDS,
  noneEnded,
  type RunOutcome,
  type SharedResultsStore,
  type SweepRecord,
} from '../db/index.ts';
import { ablateVersion, codeVersion } from '../meta.ts';
import type { SweepObserver } from './observer.ts';
import { openSharedResults } from './open-store.ts';
import { claimFrom, dataMismatch, prepareRecordedData, sharedClaims } from './shared-claims.ts';
import { sweepPruner } from './pruning.ts';
import type { SweepDataset } from './sweep-data.ts';
import { trainClaims } from './train-claims.ts';

/** How often a following worker with nothing to do looks for new sweeps. */
const FOLLOW_MS = 2000;

export interface WorkerOptions {
  /** postgresql://... */
  dbUrl: string;
  /** Training threads; default one per core. */
  threads?: number;
  /** Wait for new sweeps instead of exiting when none has runs left. */
  follow?: boolean;
  /** Seconds a claim lasts without a commit or heartbeat (DEFAULT_LEASE_SECONDS). */
  leaseSeconds?: number;
  /** How long to wait for a server that is away or not up yet (DEFAULT_DB_RETRY_SECONDS; db/outage.ts). */
  dbRetrySeconds?: number;
  /** The line saying the server went away, and the one saying it is back. */
  outage?(line: string): void;
  /** Aborting stops the worker: runs in flight are marked interrupted, for any worker to claim. */
  signal?: AbortSignal;
  /** Progress, per sweep joined. */
  observer?(sweep: SweepRecord): SweepObserver;
  /** One line about a sweep declined. */
  declined?(line: string): void;
}

export interface WorkerResult {
  ended: Record<RunOutcome['status'], number>;
  /** Runs whose lease lapsed while this worker trained them (paused, cut off): another attempt owns them. */
  lost: number;
}

/** Why this worker cannot train the sweep, or null; datasets gains the sweep's data when it can. */
async function refusal(
  store: SharedResultsStore,
  sweep: SweepRecord,
  kernels: string,
  datasets: Map<string, SweepDataset>,
): Promise<string | null> {
  if (sweep.kernels && sweep.kernels !== kernels)
    return `sweep "${sweep.name}" (#${sweep.id}) requires kernels ${sweep.kernels}, this worker has ${kernels}; declined`;
  // The base model and every run's varying values name the components its runs load.
  const components = componentMismatch([
    sweep.config,
    (await store.sweepRuns(sweep.id)).map((run) => run.params),
  ]);
  if (components) return `sweep "${sweep.name}" (#${sweep.id}): ${components}; declined`;
  try {
    for (const [key, data] of prepareRecordedData(sweep, datasets)) datasets.set(key, data);
  } catch (err) {
    return `sweep "${sweep.name}" (#${sweep.id}): cannot prepare its data here (${(err as Error).message}); declined`;
  }
  return dataMismatch(sweep, datasets);
}

export async function runWorker(options: WorkerOptions): Promise<WorkerResult> {
  const store = await openSharedResults(options.dbUrl, {
    leaseSeconds: options.leaseSeconds,
    retrySeconds: options.dbRetrySeconds ?? DEFAULT_DB_RETRY_SECONDS,
    notify: options.outage,
  });
  const kernels = activeKernels().name;
  const provenance = { ablateVersion: ablateVersion(), codeVersion: codeVersion() };
  const result: WorkerResult = { ended: noneEnded(), lost: 0 };
  const declined = new Set<number>();
  const datasets = new Map<string, SweepDataset>();
  try {
    while (!options.signal?.aborted) {
      const open = (await store.sweepsWithWork()).filter((id) => !declined.has(id));
      if (open.length === 0) {
        if (!options.follow) break;
        await sleep(FOLLOW_MS, undefined, { signal: options.signal }).catch(() => undefined);
        continue;
      }
      for (const sweepId of open) {
        const sweep = await store.sweep(sweepId);
        const why = sweep && (await refusal(store, sweep, kernels, datasets));
        if (!sweep || why) {
          if (why) options.declined?.(why);
          declined.add(sweepId);
          continue;
        }
        const pruner = await sweepPruner(store, sweepId);
        const claim = claimFrom(store, sweepId, { ...provenance, kernels }, pruner);
        const { ended, lost } = await trainClaims({
          store,
          datasets,
          threads: options.threads ?? availableParallelism(),
          // A pruned sweep's parked runs are freed by the runs others train: it waits for them.
          next: pruner ? sharedClaims(store, sweepId, claim, options.signal) : claim,
          pruner,
          signal: options.signal,
          observers: options.observer ? [options.observer(sweep)] : [],
        });
        for (const status of Object.keys(ended) as RunOutcome['status'][])
          result.ended[status] += ended[status];
        result.lost += lost;
      }
    }
  } finally {
    await store.close();
  }
  return result;
}
