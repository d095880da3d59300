// A stop at a known point, for the tests of interruption (kill -9, SIGINT, a lease that lapses).
// With ABLATE_HOLD_AT=RUN:EPOCH, a training thread that has just reported epoch EPOCH of the RUN-th
// run it trains (both 1-based; a run going on after a rung of the sweep's prune rule is handed to a
// thread again, and counts again) holds there, training nothing more, until the process gets SIGCONT
// or ends. The state a test then looks for (a run finished, the next one mid-way) lasts until the
// test acts, however fast the machine trains: a test never races the CPU to see it.
const VARIABLE = 'ABLATE_HOLD_AT';

/** Where threads hold: the epoch just reported, of the thread's run-th run. */
export interface HoldPoint {
  run: number;
  epoch: number;
}

/** What the main thread hands each training thread: where to hold, and the gate it waits on. */
export interface Hold {
  point: HoldPoint;
  /** One Int32 in shared memory: 0 while held, 1 once released. */
  gate: Int32Array;
}

function holdPoint(value: string): HoldPoint {
  const match = /^([1-9]\d*):([1-9]\d*)$/.exec(value);
  if (!match) throw new Error(`${VARIABLE}=${value}: expected RUN:EPOCH, two whole numbers >= 1 (e.g. 2:1)`);
  return { run: Number(match[1]), epoch: Number(match[2]) };
}

/**
 * The hold this process's training threads keep, or null when ABLATE_HOLD_AT is unset. Called on
 * the main thread, once per pool: SIGCONT releases every thread of it.
 */
export function holdFromEnv(env: NodeJS.ProcessEnv = process.env): Hold | null {
  const value = env[VARIABLE];
  if (!value) return null;
  const hold = { point: holdPoint(value), gate: new Int32Array(new SharedArrayBuffer(4)) };
  process.once('SIGCONT', () => {
    Atomics.store(hold.gate, 0, 1);
    Atomics.notify(hold.gate, 0);
  });
  return hold;
}

/** On a training thread, after it reported `epoch` of its `run`-th run: blocks there if told to. */
export function holdIfAt(hold: Hold | null, run: number, epoch: number): void {
  if (hold && hold.point.run === run && hold.point.epoch === epoch) Atomics.wait(hold.gate, 0, 0);
}
