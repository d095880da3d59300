// A training thread: receives prepared data once per data spec (shared memory, no copy) and then
// runs to train, one at a time, reporting every epoch back to the main thread, which alone writes.
import { parentPort, workerData } from 'node:worker_threads';
import { fromShared, type PreparedData } from '@ablate/data';
import { kernels } from '@ablate/tensor';
import type { FromWorker, RunOutcome, ToWorker } from './messages.ts';
import { holdIfAt, type Hold } from './hold.ts';
import { trainRun } from './train.ts';

const port = parentPort;
if (!port) throw new Error('exec/worker.ts runs as a worker thread; the pool starts it');

const datasets = new Map<string, PreparedData>();
const { hold } = workerData as { hold: Hold | null };
/** Runs this thread has started, the one training now included. */
let runsStarted = 0;
const send = (message: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

port.on('message', (message: ToWorker) => {
  if (message.kind === 'data') {
    datasets.set(message.key, fromShared(message.shared));
    return;
  }
  const { run, dataKey } = message;
  const runNumber = ++runsStarted;
  send({ kind: 'started', runId: run.id, kernels: kernels().name });
  let outcome: RunOutcome;
  try {
    const data = datasets.get(dataKey);
    if (!data) throw new Error(`no data was sent for ${dataKey}`);
    outcome = trainRun(run.config, data, (report) => {
      send({ kind: 'epoch', runId: run.id, report });
      holdIfAt(hold, runNumber, report.epoch);
    });
  } catch (err) {
    outcome = { status: 'failed', error: err instanceof Error ? err.message : String(err) };
  }
  // The weights buffer is transferred, not copied: the run is over and the worker drops it.
  send(
    { kind: 'ended', runId: run.id, outcome },
    outcome.status === 'finished' ? [outcome.weights.data.buffer as ArrayBuffer] : [],
  );
});
