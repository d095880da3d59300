// A sweep, end to end: prepare each distinct dataset once, record the sweep and its runs, train
// the runs not yet done on a pool of worker threads, and write every report as it arrives, from
// this thread only. Rerunning the same sweep resumes it: finished and diverged runs are results
// and stay; interrupted, failed and abandoned ones are trained again from scratch.
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { prepareData, shareData, type SharedPreparedData } from '@ablate/data';
import { Rng } from '@ablate/tensor';
import type { PlannedRun, SweepPlan } from '../config/index.ts';
import type { RunStatus } from '../db/schema.ts';
import { acquireLease, DatabaseBusyError, type Lease } from '../db/lease.ts';
import { ResultsWriter, type Provenance } from '../db/writer.ts';
import type { EpochReport, RunOutcome } from '../exec/messages.ts';
import { WorkerPool, type PoolTask } from '../exec/pool.ts';
import { ablateVersion, codeVersion, repoRoot } from '../meta.ts';
import { describeConfigDiff, summarizeDiff } from './config-diff.ts';
import { summarizeSweep, type SweepSummary } from './summary.ts';

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

/**
 * The data seed is fixed, not the run's: every run of a data spec trains on the same split, which
 * is what lets the sweep prepare it once and makes seeds vary only init and shuffling.
 */
const DATA_SEED = 0;

/** A dataset as the sweep holds it: shared with the workers, fingerprinted for the runs table. */
interface SweepDataset {
  shared: SharedPreparedData;
  fingerprint: string;
}

/** Runs with equal data specs train on one dataset, found under this key. */
function dataKeyOf(run: PlannedRun): string {
  return JSON.stringify(run.config.data);
}

function prepareDatasets(plan: SweepPlan): Map<string, SweepDataset> {
  const datasets = new Map<string, SweepDataset>();
  for (const run of plan.runs) {
    const key = dataKeyOf(run);
    if (datasets.has(key)) continue;
    try {
      // Built in shared memory from the start, so handing it to the workers copies nothing.
      const prepared = prepareData(run.config.data, Rng.derive(DATA_SEED, 'data'), { shared: true });
      datasets.set(key, { shared: shareData(prepared), fingerprint: prepared.fingerprint });
    } catch (err) {
      throw new SweepInputError(`${plan.path}: data (run ${run.label}): ${messageOf(err)}`);
    }
  }
  return datasets;
}

/** Takes the database's lease, then opens it; a path that cannot hold a database is bad input. */
async function openResults(dbPath: string): Promise<{ lease: Lease; writer: ResultsWriter }> {
  const unusable = (err: unknown) =>
    err instanceof DatabaseBusyError
      ? err
      : new SweepInputError(`--db ${dbPath}: cannot use it as a results database (${messageOf(err)})`);
  let lease: Lease;
  try {
    lease = acquireLease(dbPath);
  } catch (err) {
    throw unusable(err);
  }
  try {
    return { lease, writer: await ResultsWriter.open(dbPath) };
  } catch (err) {
    lease.release();
    throw unusable(err);
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

async function checkVersion(writer: ResultsWriter, plan: SweepPlan, newVersion: boolean): Promise<void> {
  const versions = await writer.sweepsNamed(plan.name);
  if (versions.length === 0 || newVersion || versions.some((v) => v.config_hash === plan.configHash)) return;
  const latest = versions[versions.length - 1];
  const diff = describeConfigDiff(JSON.parse(latest.config_json), plan.config);
  throw new SweepInputError(
    `${plan.path}: sweep "${plan.name}" already exists in ${writer.db.path} with another config (${summarizeDiff(diff)}); ` +
      `rerun with --new-version to record this as a new version (finished runs it shares are reused), or rename the sweep`,
  );
}

/**
 * Trains the plan's runs that are not done yet, recording them in options.dbPath, and resolves once
 * every run has ended or options.signal stopped the sweep. Bad input (SweepInputError, or
 * DatabaseBusyError for a database another sweep holds) is thrown before anything is written.
 */
export async function runSweep(plan: SweepPlan, options: SweepOptions): Promise<SweepResult> {
  const datasets = prepareDatasets(plan);
  const { lease, writer } = await openResults(options.dbPath);
  const observer = options.observer ?? {};
  const ended: Record<RunOutcome['status'], number> = { finished: 0, diverged: 0, failed: 0, interrupted: 0 };
  let pool: WorkerPool | null = null;
  let writeError: unknown = null;
  const onAbort = () => void pool?.stop();
  try {
    await checkVersion(writer, plan, options.newVersion ?? false);
    const provenance: Provenance = { ablateVersion: ablateVersion(), codeVersion: codeVersion() };
    const recovered = await writer.recoverAbandoned();
    const sweepId = await writer.registerSweep(plan, recordedPath(plan.path), provenance);
    const statuses = await writer.statuses(plan.runs.map((run) => run.id));
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
        track(writer.startRun(run, { ...provenance, dataFingerprint, kernels }));
        observer.runStarted?.(slot, run);
      },
      epoch(slot, run, report) {
        track(writer.recordEpoch(run.id, report));
        observer.epoch?.(slot, run, report);
      },
      ended(slot, run, outcome) {
        const seconds = (performance.now() - (startedAt.get(run.id) ?? performance.now())) / 1000;
        ended[outcome.status]++;
        track(writer.endRun(run.id, outcome, seconds));
        observer.runEnded?.(slot, run, outcome);
      },
    });
    if (options.signal?.aborted) onAbort();
    options.signal?.addEventListener('abort', onAbort);
    await pool.runAll(toTrain);
    await pool.stop();
    await writer.flush();
    const summary = await summarizeSweep(writer.db, sweepId);
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
    await writer.close();
    lease.release();
  }
}
