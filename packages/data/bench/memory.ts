// Peak memory of training workers reading MNIST: shared once per process (shareData) against one
// copy per worker. Each scenario runs in its own child process, because peak RSS (ru_maxrss)
// never goes down and so can only be measured once per process. Worker threads live in the same
// process, so the child's peak RSS covers the main thread and all of its workers.

import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Rng } from '@ablate/tensor';
import { prepareData, shareData } from '../src/index.ts';
import { MNIST_SPEC } from './spec.ts';
import { firstMessage, startTsWorker } from './ts-worker.ts';

/**
 * copy: every worker prepares its own MNIST; shared: the main thread prepares it and shareData
 * copies it into shared memory; prepared-shared: prepared straight into shared memory, no copy.
 */
type Mode = 'copy' | 'shared' | 'prepared-shared';
interface Result {
  mode: Mode;
  workers: number;
  peakMB: number;
  seconds: number;
}

const READER = new URL('./reader.ts', import.meta.url);

/** One scenario, inside a fresh child process: start the workers, wait for them, report peak RSS. */
async function scenario(mode: Mode, workers: number): Promise<Result> {
  const start = performance.now();
  // The prepared arrays go out of scope once shared, so only the shared memory (and the parsed-IDX
  // cache) stay alive while the workers run.
  const shared =
    mode === 'copy'
      ? null
      : shareData(prepareData(MNIST_SPEC, new Rng(1), { shared: mode === 'prepared-shared' }));
  const threads = Array.from({ length: workers }, (_, i) => startTsWorker(READER, { shared, seed: i + 1 }));
  await Promise.all(threads.map((thread) => firstMessage(thread)));
  await Promise.all(threads.map((thread) => thread.terminate()));
  const peakMB = process.resourceUsage().maxRSS / 1024; // ru_maxrss is in KiB on Linux
  return { mode, workers, peakMB, seconds: (performance.now() - start) / 1000 };
}

function runChild(mode: Mode, workers: number): Promise<Result> {
  const child = fork(fileURLToPath(import.meta.url), ['scenario', mode, String(workers)], {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (result) => resolve(result as Result));
    child.once(
      'exit',
      (code) =>
        code !== 0 && reject(new Error(`memory scenario ${mode}/${workers} exited with code ${code}`)),
    );
  });
}

const LABELS: Record<Mode, string> = {
  copy: 'one copy per worker',
  shared: 'shareData (one copy made)',
  'prepared-shared': 'prepared shared (no copy)',
};

/** Runs the six scenarios one after the other and prints a table. */
export async function memoryBench(): Promise<Result[]> {
  const results: Result[] = [];
  for (const mode of ['copy', 'shared', 'prepared-shared'] as const) {
    for (const workers of [1, 2]) results.push(await runChild(mode, workers));
  }
  console.log(
    'MNIST (60k + 10k, float32, scale unit); each worker sums every array and reads 2 shuffled epochs',
  );
  console.log('data held                 workers  peak RSS   wall');
  for (const r of results) {
    console.log(
      `${LABELS[r.mode].padEnd(26)}${String(r.workers).padStart(7)}  ${r.peakMB.toFixed(0).padStart(5)} MB  ${r.seconds.toFixed(1).padStart(4)} s`,
    );
  }
  return results;
}

if (process.argv[2] === 'scenario') {
  const result = await scenario(process.argv[3] as Mode, Number(process.argv[4]));
  process.send!(result);
}
