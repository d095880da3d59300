// A sweep, end to end: prepare each distinct dataset once, record the sweep and its runs, train
// the runs not yet done on a pool of worker threads, and write every report as it arrives, from
// this thread only. Rerunning the same sweep resumes it: finished and diverged runs are results
// and stay (pruned ones too, unless noPrune); interrupted and abandoned ones go on from their last
// checkpoint, failed ones are trained again from scratch. With sweep.prune, runs stop at its rungs
// to ask it (./pruning.ts), and wait parked for a decision that needs runs not there yet. On PostgreSQL
// (dbPath a URL) the sweep is shared: this process plans it and works on it like any `worker`,
// claiming runs one at a time, and returns once every run has ended, whoever trained it.
import { availableParallelism } from 'node:os';
import path from 'node:path';
import type { PlannedRun, SweepPlan } from '../config/index.ts';
import { kernels as activeKernels } from '@ablate/tensor';
import {
  dataKeyOf,
  DEFAULT_DB_RETRY_SECONDS,
  isDatabaseUrl,
  isShared,
  redactUrl,
  type PlannedSweepRecord,
  type Provenance,
  type ResultsStore,
  type RunOutcome,
  type RunStatus,
  StorageFaultError,
} from '../db/index.ts';
import { ablateVersion, codeVersion } from '../meta.ts';
import { ENDED_STATUSES } from '../view/statuses.js';
import { describeConfigDiff, summarizeDiff } from './config-diff.ts';
import type { SweepObserver } from './observer.ts';
import { openResults, SweepInputError } from './open-store.ts';
import { summarizeSweep, type SweepSummary } from './seed-groups.ts';
import { checkComponents } from './check-components.ts';
import { claimFrom, dataMismatch, sharedClaims } from './shared-claims.ts';
import { prepareSweepData, type SweepDataset } from './sweep-data.ts';
import { trainClaims, type Activity, type ClaimedTask } from './train-claims.ts';
import { sweepPruner, type Pruner } from './pruning.ts';

export interface SweepOptions {
  /** A SQLite file, or a PostgreSQL URL (postgresql://...) for a sweep shared by workers. */
  dbPath: string;
  /** Training threads; default one per core. */
  threads?: number;
  /** Record a changed config under an existing sweep name as a new version instead of refusing. */
  newVersion?: boolean;
  /** Aborting stops the sweep cleanly: runs in flight are marked interrupted. */
  signal?: AbortSignal;
  observers?: readonly SweepObserver[];
  /**
   * PostgreSQL: the kernel set (wasm-relaxed-simd, wasm-simd, reference) every run must train on, so
   * results are bit-identical across machines; workers on others decline the sweep.
   */
  kernels?: string;
  /** PostgreSQL: seconds a claim lasts without a commit or heartbeat (DEFAULT_LEASE_SECONDS). */
  leaseSeconds?: number;
  /** PostgreSQL: how long to wait for a server that is away (DEFAULT_DB_RETRY_SECONDS; db/outage.ts). */
  dbRetrySeconds?: number;
  /** PostgreSQL: the line saying the server went away, and the one saying it is back. */
  outage?(line: string): void;
  /**
   * Gradient-check the custom components before anything is written (default true); false trains
   * them unchecked (to watch what a wrong backward does to a run).
   */
  check?: boolean;
  /**
   * Ignore the sweep's prune rule (default false): every run trains to its last epoch, the pruned
   * and parked ones going on from their checkpoints, so the results are those of a sweep that never
   * pruned.
   */
  noPrune?: boolean;
}

export interface SweepResult {
  sweepId: number;
  dbPath: string;
  /** Runs this invocation trained, by how they ended. */
  ended: Record<RunOutcome['status'], number>;
  /** Runs already ended (finished, stalled or diverged) before this invocation. */
  skipped: number;
  /** Runs a dead process had left marked running. */
  recovered: number;
  /** Whether the signal stopped the sweep before every run ended. */
  interrupted: boolean;
  /**
   * Null when the sweep does not prune (or --no-prune); else `parked`, the times a run was parked at
   * a rung, its decision waiting for runs not recorded yet, and `stillParked`, the runs left so at
   * the end (their decision waits for a run that did not get there: one that failed, or a stop).
   */
  pruning: { parked: number; stillParked: number } | null;
  summary: SweepSummary;
}

/**
 * Results are already final for these; every other status means "train it (again)". A pruned run
 * is done while the sweep prunes; without pruning (--no-prune) it trains on from its checkpoint.
 */
const doneStatuses = (pruning: boolean): ReadonlySet<RunStatus> =>
  new Set<RunStatus>(pruning ? [...ENDED_STATUSES, 'pruned'] : ENDED_STATUSES);

/**
 * The sweep file as the sweeps table records it: relative to the folder the sweep runs in (the
 * project's root, as `npx ablate` and nx run it) when inside it.
 */
function recordedPath(file: string | null): string | null {
  if (file === null) return null;
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith('..') ? file : relative;
}

/** How a message about the plan begins: its file, if it came from one (the message names the sweep). */
const fromFile = (plan: SweepPlan) => (plan.path === null ? '' : `${plan.path}: `);

/** The plan as the store records it. */
function plannedSweep(
  plan: SweepPlan,
  datasets: ReadonlyMap<string, SweepDataset>,
  kernels: string | null,
): PlannedSweepRecord {
  return {
    dataFingerprints: Object.fromEntries([...datasets].map(([key, data]) => [key, data.fingerprint])),
    kernels,
    name: plan.name,
    configHash: plan.configHash,
    configPath: recordedPath(plan.path),
    yaml: plan.yaml,
    config: plan.config,
    varying: plan.varying,
    runs: plan.runs,
  };
}

async function checkVersion(
  store: ResultsStore,
  dbPath: string,
  plan: SweepPlan,
  newVersion: boolean,
): Promise<void> {
  const versions = await store.sweepsNamed(plan.name);
  if (versions.length === 0 || newVersion || versions.some((v) => v.configHash === plan.configHash)) return;
  const latest = versions[versions.length - 1];
  const diff = describeConfigDiff(latest.config, plan.config);
  throw new SweepInputError(
    `${fromFile(plan)}sweep "${plan.name}" already exists in ${dbPath} with another config (${summarizeDiff(diff)}); ` +
      `rerun with --new-version to record this as a new version (finished runs it shares are reused; a run trained for more epochs goes on from its shorter finished run), or rename the sweep`,
  );
}

/** Runs to train, and the next one for a thread that asks. */
interface Work {
  count: number;
  epochs: number;
  next: (activity: Activity) => Promise<ClaimedTask | null>;
}

/**
 * This process's runs to train in a SQLite file: those not done, in plan order, each claimed as it
 * is reached; while the sweep prunes, a parked run is claimed again first once its decision can be
 * made, and a thread with nothing to take waits while others train (a run they park may free it).
 */
function fileClaims(
  store: ResultsStore,
  plan: SweepPlan,
  sweepId: number,
  statuses: ReadonlyMap<string, RunStatus>,
  parkedAtStart: ReadonlyMap<string, number>,
  pruner: Pruner | null,
  start: (run: PlannedRun) => Parameters<ResultsStore['claimRun']>[1],
): Work {
  const done = doneStatuses(pruner !== null);
  const left = plan.runs.filter((run) => !done.has(statuses.get(run.id) as RunStatus));
  const queue = pruner ? left.filter((run) => !parkedAtStart.has(run.id)) : [...left];
  const byId = new Map(plan.runs.map((run) => [run.id, run]));
  const claim = async (run: PlannedRun): Promise<ClaimedTask> => {
    // This process holds the file's lease and chose runs not done: a refused claim means the store
    // changed under it, and training on would record nothing.
    const attempt = await store.claimRun(run.id, start(run));
    if (!attempt) throw new Error(`run ${run.id} could not be claimed for training`);
    return { run, ...attempt };
  };
  /** The parked run to claim again first, else the next in plan order; null when there is neither now. */
  const take = async (): Promise<ClaimedTask | null> => {
    if (pruner) {
      const [ready] = await pruner.ready(await store.parkedRuns(sweepId));
      if (ready) return claim(byId.get(ready)!);
    }
    const run = queue.shift();
    return run ? claim(run) : null;
  };
  // One thread looks and claims at a time: another looking meanwhile would find the same parked run.
  let looking: Promise<unknown> = Promise.resolve();
  const next = async (activity: Activity): Promise<ClaimedTask | null> => {
    for (;;) {
      // Taken before looking: a change while this thread looks wakes it at once.
      const change = activity.changed();
      const task = looking.then(take);
      looking = task.catch(() => undefined);
      if (await task) return task;
      if (!pruner || activity.inFlight === 0) return null;
      await change;
    }
  };
  return { count: left.length, epochs: left.reduce((sum, run) => sum + run.config.train.epochs, 0), next };
}

/** How much of the plan the store holds, for a fault's message: "2 of 12 runs were stored". */
async function storedOf(store: ResultsStore, plan: SweepPlan): Promise<string> {
  const statuses = await store.statuses(plan.runs.map((run) => run.id));
  const ended = doneStatuses(true);
  const stored = [...statuses.values()].filter((status) => ended.has(status) || status === 'failed').length;
  return `${stored} of ${plan.runs.length} runs were stored`;
}

/**
 * Trains the plan's runs that are not done yet, recording them in options.dbPath, and resolves once
 * every run has ended or options.signal stopped the sweep. Bad input (SweepInputError, or
 * DatabaseBusyError for a database another sweep holds) is thrown before anything is written.
 */
export async function runSweep(plan: SweepPlan, options: SweepOptions): Promise<SweepResult> {
  // Workers read the rule from the shared sweep's recorded file: one process cannot turn it off.
  if (options.noPrune && isDatabaseUrl(options.dbPath))
    throw new SweepInputError(
      `${fromFile(plan)}--no-prune: for a SQLite file only; the workers of a shared sweep follow its sweep.prune (record the file without it as a new version)`,
    );
  const datasets = prepareSweepData(plan);
  if (options.check !== false) {
    const checks = await checkComponents(plan, datasets);
    if (checks.length > 0) for (const observer of options.observers ?? []) observer.checked?.(checks);
  }
  const store = await openResults(options.dbPath, {
    leaseSeconds: options.leaseSeconds,
    retrySeconds: options.dbRetrySeconds ?? DEFAULT_DB_RETRY_SECONDS,
    notify: options.outage,
  });
  const shownDb = redactUrl(options.dbPath);
  try {
    await checkVersion(store, shownDb, plan, options.newVersion ?? false);
    const provenance: Provenance = { ablateVersion: ablateVersion(), codeVersion: codeVersion() };
    const kernels = activeKernels().name;
    const recovered = await store.recoverAbandoned();
    const sweepId = await store.planSweep(plannedSweep(plan, datasets, options.kernels ?? null), provenance);
    const statuses = await store.statuses(plan.runs.map((run) => run.id));
    const pruner = options.noPrune ? null : await sweepPruner(store, sweepId);
    const done = doneStatuses(pruner !== null);
    const start = (run: PlannedRun) => ({
      ...provenance,
      kernels,
      dataFingerprint: datasets.get(dataKeyOf(run.config))?.fingerprint ?? '',
    });
    let work: Work;
    if (isShared(store)) {
      const sweep = await store.sweep(sweepId);
      const mismatch = sweep && dataMismatch(sweep, datasets);
      if (mismatch) throw new SweepInputError(`${fromFile(plan)}${mismatch}`);
      const left = plan.runs.filter((run) => !done.has(statuses.get(run.id) as RunStatus));
      // On other kernels this process trains nothing; it waits for the sweep like its planner.
      const mine = !sweep?.kernels || sweep.kernels === kernels;
      const claim = mine ? claimFrom(store, sweepId, { ...provenance, kernels }, pruner) : async () => null;
      work = {
        count: left.length,
        epochs: left.reduce((sum, run) => sum + run.config.train.epochs, 0),
        next: sharedClaims(store, sweepId, claim, options.signal),
      };
    } else {
      work = fileClaims(store, plan, sweepId, statuses, await store.parkedRuns(sweepId), pruner, start);
    }
    // Never more threads than runs to train.
    const threads = Math.max(1, Math.min(options.threads ?? availableParallelism(), work.count));
    const observers = options.observers ?? [];
    for (const observer of observers)
      observer.begin?.({
        total: plan.runs.length,
        toTrain: work.count,
        epochsToTrain: work.epochs,
        skipped: plan.runs.length - work.count,
        recovered,
        threads,
      });
    const { ended, parked } = await trainClaims({
      store,
      datasets,
      threads,
      next: work.next,
      pruner,
      signal: options.signal,
      observers,
    });
    const summary = await summarizeSweep(store, sweepId);
    const interrupted =
      options.signal?.aborted === true &&
      ended.finished + ended.stalled + ended.diverged + ended.failed + ended.pruned < work.count;
    return {
      sweepId,
      dbPath: shownDb,
      ended,
      skipped: plan.runs.length - work.count,
      recovered,
      interrupted,
      pruning: pruner && { parked, stillParked: (await store.parkedRuns(sweepId)).size },
      summary,
    };
  } catch (err) {
    // The store still reads when it no longer writes (a full disk, a read-only file or server).
    if (!(err instanceof StorageFaultError)) throw err;
    const progress = await storedOf(store, plan).catch(() => null);
    throw progress === null ? err : err.after(progress);
  } finally {
    await store.close();
  }
}
