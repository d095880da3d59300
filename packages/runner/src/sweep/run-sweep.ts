// A sweep, end to end: prepare each distinct dataset once, record the sweep and its runs, train
// the runs not yet done on a pool of worker threads, and write every report as it arrives, from
// this thread only. Rerunning the same sweep resumes it: finished and diverged runs are results
// and stay; interrupted, failed and abandoned ones are trained again from scratch.
import { availableParallelism } from 'node:os';
import path from 'node:path';
import type { PlannedRun, SweepPlan } from '../config/index.ts';
import {
  DatabaseBusyError,
  openStore,
  type PlannedSweepRecord,
  type Provenance,
  type ResultsStore,
  type RunEndRecord,
  type RunStatus,
} from '../db/index.ts';
import type { EpochReport, RunOutcome } from '../exec/messages.ts';
import { WorkerPool, type PoolTask } from '../exec/pool.ts';
import { ablateVersion, codeVersion, repoRoot } from '../meta.ts';
import { describeConfigDiff, summarizeDiff } from './config-diff.ts';
import { summarizeSweep, type SweepSummary } from './seed-groups.ts';
import { dataKeyOf, prepareSweepData } from './sweep-data.ts';

/**
 * Bad input found before anything was written: a data spec that cannot load, a changed sweep, a
 * --db path that cannot hold a database.
 */
export class SweepInputError extends Error {
  override name = 'SweepInputError';
}

export interface SweepStart {
  /** Runs in the plan. */
  total: number;
  /** Runs this invocation will train, and their epochs in all. */
  toTrain: number;
  epochsToTrain: number;
  /** Runs already finished or diverged. */
  skipped: number;
  /** Runs a dead process had left marked running. */
  recovered: number;
  workers: number;
}

/** Receives progress as it happens (the CLI draws it); every method is optional. */
export interface SweepObserver {
  begin?(info: SweepStart): void;
  runStarted?(slot: number, run: PlannedRun): void;
  epoch?(slot: number, run: PlannedRun, report: EpochReport): void;
  runEnded?(slot: number, run: PlannedRun, outcome: RunOutcome): void;
}

export interface SweepOptions {
  dbPath: string;
  /** Worker threads; default one per core. */
  workers?: number;
  /** Record a changed config under an existing sweep name as a new version instead of refusing. */
  newVersion?: boolean;
  /** Aborting stops the sweep cleanly: runs in flight are marked interrupted. */
  signal?: AbortSignal;
  observer?: SweepObserver;
}

export interface SweepResult {
  sweepId: number;
  dbPath: string;
  /** Runs this invocation trained, by how they ended. */
  ended: Record<RunOutcome['status'], number>;
  /** Runs already finished or diverged before this invocation. */
  skipped: number;
  /** Runs a dead process had left marked running. */
  recovered: number;
  /** Whether the signal stopped the sweep before every run ended. */
  interrupted: boolean;
  summary: SweepSummary;
}

/** Results are already final for these; every other status means "train it (again)". */
const DONE: ReadonlySet<RunStatus> = new Set(['finished', 'diverged']);

/** Opens the results store (taking its lease); a path that cannot hold a database is bad input. */
async function openResults(dbPath: string): Promise<ResultsStore> {
  try {
    return await openStore(dbPath);
  } catch (err) {
    if (err instanceof DatabaseBusyError) throw err;
    throw new SweepInputError(`--db ${dbPath}: cannot use it as a results database (${messageOf(err)})`);
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The sweep file as the sweeps table records it: relative to the repo root when inside it. */
function recordedPath(file: string): string {
  const relative = path.relative(repoRoot, file);
  return relative.startsWith('..') ? file : relative;
}

/** The plan as the store records it. */
function plannedSweep(plan: SweepPlan): PlannedSweepRecord {
  return {
    name: plan.name,
    configHash: plan.configHash,
    configPath: recordedPath(plan.path),
    yaml: plan.yaml,
    config: plan.config,
    varying: plan.varying,
    runs: plan.runs.map((run) => ({
      id: run.id,
      groupId: run.groupId,
      seed: run.seed,
      label: run.label,
      config: run.config,
      position: run.position,
      params: run.params,
      epochsPlanned: run.config.train.epochs,
    })),
  };
}

/** A worker's outcome as the store records it. */
function runEnd(outcome: RunOutcome, wallSeconds: number): RunEndRecord {
  return outcome.status === 'interrupted' ? outcome : { ...outcome, wallSeconds };
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
    `${plan.path}: sweep "${plan.name}" already exists in ${dbPath} with another config (${summarizeDiff(diff)}); ` +
      `rerun with --new-version to record this as a new version (finished runs it shares are reused), or rename the sweep`,
  );
}

/**
 * Trains the plan's runs that are not done yet, recording them in options.dbPath, and resolves once
 * every run has ended or options.signal stopped the sweep. Bad input (SweepInputError, or
 * DatabaseBusyError for a database another sweep holds) is thrown before anything is written.
 */
export async function runSweep(plan: SweepPlan, options: SweepOptions): Promise<SweepResult> {
  const datasets = prepareSweepData(plan);
  const store = await openResults(options.dbPath);
  const observer = options.observer ?? {};
  const ended: Record<RunOutcome['status'], number> = { finished: 0, diverged: 0, failed: 0, interrupted: 0 };
  let pool: WorkerPool | null = null;
  let writeError: unknown = null;
  const onAbort = () => void pool?.stop();
  try {
    await checkVersion(store, options.dbPath, plan, options.newVersion ?? false);
    const provenance: Provenance = { ablateVersion: ablateVersion(), codeVersion: codeVersion() };
    const recovered = await store.recoverAbandoned();
    const sweepId = await store.planSweep(plannedSweep(plan), provenance);
    const statuses = await store.statuses(plan.runs.map((run) => run.id));
    const toTrain: PoolTask[] = plan.runs
      .filter((run) => !DONE.has(statuses.get(run.id) as RunStatus))
      .map((run) => ({ run, dataKey: dataKeyOf(run) }));
    const skipped = plan.runs.length - toTrain.length;
    // Never more threads than runs to train.
    const workers = Math.max(1, Math.min(options.workers ?? availableParallelism(), toTrain.length));
    observer.begin?.({
      total: plan.runs.length,
      toTrain: toTrain.length,
      epochsToTrain: toTrain.reduce((sum, task) => sum + task.run.config.train.epochs, 0),
      skipped,
      recovered,
      workers,
    });

    // A failed write (disk full, database locked for too long) stops the sweep: training on
    // without recording would break the promise that no work is lost silently.
    const track = (write: Promise<void>) =>
      write.catch((err: unknown) => {
        writeError ??= err;
        void pool?.stop();
      });
    const startedAt = new Map<string, number>();
    const shared = new Map([...datasets].map(([key, value]) => [key, value.shared]));
    pool = new WorkerPool(workers, shared, {
      started(slot, run, kernels) {
        startedAt.set(run.id, performance.now());
        const dataFingerprint = datasets.get(dataKeyOf(run))?.fingerprint ?? '';
        // This process holds the store's lease and chose runs not done: a refused claim means the
        // store changed under it, and training on would record nothing.
        track(
          store.claimRun(run.id, { ...provenance, dataFingerprint, kernels }).then((claim) => {
            if (!claim) throw new Error(`run ${run.id} could not be claimed for training`);
          }),
        );
        observer.runStarted?.(slot, run);
      },
      epoch(slot, run, report) {
        track(store.commitEpoch(run.id, report));
        observer.epoch?.(slot, run, report);
      },
      ended(slot, run, outcome) {
        const seconds = (performance.now() - (startedAt.get(run.id) ?? performance.now())) / 1000;
        ended[outcome.status]++;
        track(store.finishRun(run.id, runEnd(outcome, seconds)));
        observer.runEnded?.(slot, run, outcome);
      },
    });
    if (options.signal?.aborted) onAbort();
    options.signal?.addEventListener('abort', onAbort);
    await pool.runAll(toTrain);
    await pool.stop();
    await store.flush();
    const summary = await summarizeSweep(store, sweepId);
    if (writeError) throw writeError;
    const interrupted =
      options.signal?.aborted === true && ended.finished + ended.diverged + ended.failed < toTrain.length;
    return {
      sweepId,
      dbPath: options.dbPath,
      ended,
      skipped,
      recovered,
      interrupted,
      summary,
    };
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await pool?.stop();
    await store.close();
  }
}
