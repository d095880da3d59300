// A fixed pool of training threads, each asking for its next run when it is free (the caller claims
// runs in plan order). Threads are started lazily (never more than get a run), get each distinct
// dataset once, and a thread that dies (a crash, or stop()) ends its run as failed (or
// interrupted) and is replaced.
import { Worker } from 'node:worker_threads';
import type { SharedPreparedData } from '@ablate/data';
import type { PlannedRun } from '../config/index.ts';
import { dataKeyOf, type Checkpoint } from '../db/index.ts';
import { workspaceRoot } from '../meta.ts';
import { holdFromEnv, type Hold } from './hold.ts';
import type { FromThread, PoolListener, ToThread } from './messages.ts';
import type { TrainEnd } from './train.ts';

/**
 * Starts the training thread: thread.js beside this module when Ablate is installed (built to
 * JavaScript), else thread.ts from the workspace's sources. Threads do not inherit tsx's module
 * hooks in Node 20 (even with the parent's execArgv the thread fails on ".ts"), so there a
 * one-line bootstrap registers tsx inside the thread and then imports the real module.
 */
function startThread(hold: Hold | null): Worker {
  const workerData = { hold };
  if (workspaceRoot === null) return new Worker(new URL('./thread.js', import.meta.url), { workerData });
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./thread.ts', import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}

/** One training thread of the pool, and the run it is training. */
class Slot {
  private thread: Worker | null = null;
  private readonly dataSent = new Set<string>();
  private current: { run: PlannedRun; settle: (outcome: TrainEnd) => void; started: number } | null = null;
  /** The checkpoint of the last epoch the current run reported: where it goes on from after a rung. */
  checkpoint: Checkpoint | null = null;
  private stopping = false;

  constructor(
    readonly index: number,
    private readonly datasets: ReadonlyMap<string, SharedPreparedData>,
    private readonly listener: PoolListener,
    private readonly hold: Hold | null,
  ) {}

  train(run: PlannedRun, from: Checkpoint | null, rungs: readonly number[]): Promise<TrainEnd> {
    const thread = this.thread ?? this.spawn();
    const dataKey = dataKeyOf(run.config);
    if (!this.dataSent.has(dataKey)) {
      const shared = this.datasets.get(dataKey);
      if (!shared) throw new Error(`pool has no dataset ${dataKey}`);
      thread.postMessage({ kind: 'data', key: dataKey, shared } satisfies ToThread);
      this.dataSent.add(dataKey);
    }
    return new Promise((resolve) => {
      this.current = { run, settle: resolve, started: performance.now() };
      this.checkpoint = from;
      thread.postMessage({ kind: 'train', run, dataKey, from, rungs } satisfies ToThread);
      this.listener.runStarted?.(this.index, run);
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.thread?.terminate();
  }

  private spawn(): Worker {
    const thread = startThread(this.hold);
    thread.on('message', (message: FromThread) => {
      const run = this.current?.run;
      if (!run || message.runId !== run.id) return;
      if (message.kind === 'epoch') {
        this.checkpoint = message.epoch.checkpoint ?? null;
        this.listener.epoch?.(this.index, run, message.epoch);
      } else this.settle(message.outcome);
    });
    thread.on('error', (err) => this.lost(thread, `training thread crashed: ${err.message}`));
    thread.on('exit', (code) => this.lost(thread, `training thread exited with code ${code}`));
    this.thread = thread;
    return thread;
  }

  private lost(thread: Worker, reason: string): void {
    if (this.thread !== thread) return;
    this.thread = null;
    this.dataSent.clear();
    const wallSeconds = (performance.now() - (this.current?.started ?? performance.now())) / 1000;
    this.settle(this.stopping ? { status: 'interrupted' } : { status: 'failed', error: reason, wallSeconds });
  }

  private settle(outcome: TrainEnd): void {
    const current = this.current;
    this.current = null;
    current?.settle(outcome);
  }
}

/** A run to train, from epoch 1 or a checkpoint, and the epochs it stops at to ask whether to go on. */
export interface PoolTask {
  run: PlannedRun;
  from: Checkpoint | null;
  rungs: readonly number[];
}

/** `size` training threads working through one queue of runs. */
export class ThreadPool {
  private readonly slots: Slot[];
  private stopped = false;

  /** datasets: each data spec's prepared data, under its key (db's dataKeyOf). */
  constructor(
    size: number,
    datasets: ReadonlyMap<string, SharedPreparedData>,
    private readonly listener: PoolListener,
  ) {
    const hold = holdFromEnv();
    this.slots = Array.from({ length: size }, (_, i) => new Slot(i, datasets, listener, hold));
  }

  /**
   * Trains the runs `next` hands out (claiming each as it goes, each from epoch 1 or from a
   * checkpoint), at most `size` at a time; resolves
   * when `next` has none left for any slot, or stop() was called. A run with rungs stops at each
   * to ask the listener whether it goes on (and asks first when it is claimed at a checkpoint);
   * while it is asked, its slot holds it.
   */
  async runAll(next: () => Promise<PoolTask | null>): Promise<void> {
    const drain = async (slot: Slot) => {
      while (!this.stopped) {
        const task = await next();
        if (!task || this.stopped) return;
        let from = task.from;
        let goOn = from === null || task.rungs.length === 0 || (await this.atRung(slot, task.run, from));
        while (goOn) {
          // Stopped while it was asking: it ends as a run in flight does.
          if (this.stopped) {
            this.listener.runEnded?.(slot.index, task.run, { status: 'interrupted' });
            break;
          }
          const end = await slot.train(task.run, from, task.rungs);
          if (end.status !== 'rung') {
            this.listener.runEnded?.(slot.index, task.run, end);
            break;
          }
          from = slot.checkpoint;
          // A rung epoch always carries its checkpoint: only a diverged epoch has none.
          goOn = from !== null && (await this.atRung(slot, task.run, from));
        }
      }
    };
    // A slot whose first `next` finds nothing never starts its thread.
    await Promise.all(this.slots.map(drain));
  }

  private atRung(slot: Slot, run: PlannedRun, at: Checkpoint): Promise<boolean> {
    return this.listener.atRung?.(slot.index, run, at) ?? Promise.resolve(true);
  }

  /** Stops taking runs and terminates every thread; runs in flight end as interrupted. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.slots.map((slot) => slot.stop()));
  }
}
