// A fixed pool of training threads, each asking for its next run when it is free (the caller claims
// runs in plan order). Workers are started lazily (never more than get a run), get each distinct
// dataset once, and a worker
// that dies (a crash, or stop()) ends its run as failed (or interrupted) and is replaced.
import { Worker } from 'node:worker_threads';
import type { SharedPreparedData } from '@ablate/data';
import type { PlannedRun } from '../config/index.ts';
import { holdFromEnv, type Hold } from './hold.ts';
import type { EpochReport, FromWorker, RunOutcome } from './messages.ts';

/** One run to train. */
export interface PoolTask {
  run: PlannedRun;
  /** Which of the pool's datasets the run trains on. */
  dataKey: string;
}

/** Called on the main thread as workers report; `slot` numbers the worker (0-based). */
export interface PoolListener {
  started(slot: number, run: PlannedRun, kernels: string): void;
  epoch(slot: number, run: PlannedRun, report: EpochReport): void;
  ended(slot: number, run: PlannedRun, outcome: RunOutcome): void;
}

/**
 * Starts exec/worker.ts as a thread. Workers do not inherit tsx's module hooks in Node 20 (even with
 * the parent's execArgv the worker fails on ".ts"), so a one-line bootstrap registers tsx inside
 * the thread and then imports the real worker module.
 */
function startWorker(hold: Hold | null): Worker {
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./worker.ts', import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true, workerData: { hold } });
}

class Slot {
  private worker: Worker | null = null;
  private readonly dataSent = new Set<string>();
  private current: { run: PlannedRun; settle: (outcome: RunOutcome) => void } | null = null;
  private stopping = false;

  constructor(
    readonly index: number,
    private readonly datasets: ReadonlyMap<string, SharedPreparedData>,
    private readonly listener: PoolListener,
    private readonly hold: Hold | null,
  ) {}

  train(task: PoolTask): Promise<RunOutcome> {
    const worker = this.worker ?? this.spawn();
    if (!this.dataSent.has(task.dataKey)) {
      const shared = this.datasets.get(task.dataKey);
      if (!shared) throw new Error(`pool has no dataset ${task.dataKey}`);
      worker.postMessage({ kind: 'data', key: task.dataKey, shared });
      this.dataSent.add(task.dataKey);
    }
    return new Promise((resolve) => {
      this.current = { run: task.run, settle: resolve };
      worker.postMessage({ kind: 'train', run: task.run, dataKey: task.dataKey });
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.worker?.terminate();
  }

  private spawn(): Worker {
    const worker = startWorker(this.hold);
    worker.on('message', (message: FromWorker) => {
      const run = this.current?.run;
      if (!run || message.runId !== run.id) return;
      if (message.kind === 'started') this.listener.started(this.index, run, message.kernels);
      else if (message.kind === 'epoch') this.listener.epoch(this.index, run, message.report);
      else this.settle(message.outcome);
    });
    worker.on('error', (err) => this.lost(worker, `worker thread crashed: ${err.message}`));
    worker.on('exit', (code) => this.lost(worker, `worker thread exited with code ${code}`));
    this.worker = worker;
    return worker;
  }

  private lost(worker: Worker, reason: string): void {
    if (this.worker !== worker) return;
    this.worker = null;
    this.dataSent.clear();
    this.settle(this.stopping ? { status: 'interrupted' } : { status: 'failed', error: reason });
  }

  private settle(outcome: RunOutcome): void {
    const current = this.current;
    this.current = null;
    current?.settle(outcome);
  }
}

/** `size` training threads working through one queue of runs. */
export class WorkerPool {
  private readonly slots: Slot[];
  private stopped = false;

  constructor(
    size: number,
    datasets: ReadonlyMap<string, SharedPreparedData>,
    private readonly listener: PoolListener,
  ) {
    const hold = holdFromEnv();
    this.slots = Array.from({ length: size }, (_, i) => new Slot(i, datasets, listener, hold));
  }

  /**
   * Trains the tasks `next` hands out (claiming each as it goes), at most `size` at a time; resolves
   * when `next` has none left for any slot, or stop() was called.
   */
  async runAll(next: () => Promise<PoolTask | null>): Promise<void> {
    const drain = async (slot: Slot) => {
      while (!this.stopped) {
        const task = await next();
        if (!task || this.stopped) return;
        this.listener.ended(slot.index, task.run, await slot.train(task));
      }
    };
    // A slot whose first `next` finds nothing never starts its thread.
    await Promise.all(this.slots.map(drain));
  }

  /** Stops taking runs and terminates every thread; runs in flight end as interrupted. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.slots.map((slot) => slot.stop()));
  }
}
