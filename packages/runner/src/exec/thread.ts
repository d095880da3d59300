// A training thread: receives prepared data once per data spec (shared memory, no copy) and then
// runs to train, one at a time, reporting every epoch back to the main thread, which alone writes.
import { parentPort, workerData } from 'node:worker_threads';
import { fromShared, type PreparedData } from '@ablate/data';
import { loadComponents } from '../config/components.ts';
import { holdIfAt, type Hold } from './hold.ts';
import type { FromThread, ToThread } from './messages.ts';
import { trainRun, type TrainEnd } from './train.ts';

const port = parentPort;
if (!port) throw new Error('exec/thread.ts runs as a worker thread; the pool starts it');

const datasets = new Map<string, PreparedData>();
const { hold } = workerData as { hold: Hold | null };
/** Runs this thread has started, the one training now included. */
let runsStarted = 0;
const send = (message: FromThread, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

// Messages are handled one at a time: a run's message waits for its modules, and the pool sends
// the next only once the run has ended.
port.on('message', async (message: ToThread) => {
  if (message.kind === 'data') {
    datasets.set(message.key, fromShared(message.shared));
    return;
  }
  const { run, dataKey, from, rungs } = message;
  const runNumber = ++runsStarted;
  const started = performance.now();
  let outcome: TrainEnd;
  try {
    const data = datasets.get(dataKey);
    if (!data) throw new Error(`no data was sent for ${dataKey}`);
    const modules = await loadComponents(run.config.model);
    outcome = trainRun(
      run.config,
      data,
      (epoch) => {
        send({ kind: 'epoch', runId: run.id, epoch });
        holdIfAt(hold, runNumber, epoch.epoch);
      },
      from,
      modules,
      rungs,
    );
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    outcome = { status: 'failed', error, wallSeconds: (performance.now() - started) / 1000 };
  }
  // The weights buffer is transferred, not copied: the run is over and the thread drops it.
  send(
    { kind: 'ended', runId: run.id, outcome },
    'weights' in outcome ? [outcome.weights.data.buffer as ArrayBuffer] : [],
  );
});
