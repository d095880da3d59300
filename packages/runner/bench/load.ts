// Load on one PostgreSQL server (throwaway, Unix socket only): WORKERS simulated workers, each with
// its own connection, claiming runs of one sweep and committing an epoch (metrics, 3 layers'
// statistics and a checkpoint the size of experiments/mnist.yaml's larger network's: 784-128-64-10
// weights and momentum, 875 KB) every 2 s, finishing a run (test results, weights) every EPOCHS
// epochs, for SECONDS.
// Reports commit latency (p50 / p99), claims per second, and checks that nothing was lost or
// duplicated: every commit acknowledged is a row, no run was claimed twice.
// Usage: tsx packages/runner/bench/load.ts [--workers 320] [--seconds 60] [--no-checkpoints]
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import {
  openSharedStore,
  type Checkpoint,
  type ClaimStart,
  type SharedResultsStore,
} from '../src/db/index.ts';
import { pgRows } from '../test/pg/cluster.ts';
import { benchEpoch } from './epoch-record.ts';
import { startPostgres } from '../test/pg/server.ts';

const { values } = parseArgs({
  options: {
    workers: { type: 'string' },
    seconds: { type: 'string' },
    'no-checkpoints': { type: 'boolean', default: false },
  },
});
const WORKERS = Number(values.workers ?? 320);
const SECONDS = Math.min(Number(values.seconds ?? 60), 120);
const EPOCH_MS = 2000;
const EPOCHS = 5;
const WARM_UP_MS = 5000;

const start: ClaimStart = {
  ablateVersion: 'bench',
  codeVersion: null,
  kernels: 'bench',
};
const weights = { shapes: [{ name: 'w', shape: [64, 10] }], data: new Float32Array(640) };
/** Parameters of 784-128-64-10: W and b of each layer. */
const MNIST_PARAMS = 784 * 128 + 128 + 128 * 64 + 64 + 64 * 10 + 10;
/** Values like trained weights' as far as the server's TOAST compression is concerned: none compress. */
const noise = () => Float32Array.from({ length: MNIST_PARAMS }, () => Math.random() - 0.5);
const [trained, velocity] = [noise(), noise()];
const checkpoint = (epoch: number): Checkpoint => ({
  epoch,
  kernels: 'bench',
  weights: { shapes: [{ name: 'w', shape: [MNIST_PARAMS] }], data: trained },
  optimizer: { name: 'momentum', t: epoch * 1500, slots: { w: [velocity] } },
  streams: { shuffle: { s: [1, 2, 3, 4], spare: null } },
  earlyStop: null,
  seconds: epoch * 2,
});

/** One commit: when it started (performance.now()) and how long it took. */
interface Latency {
  at: number;
  ms: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function simulate(store: SharedResultsStore, sweepId: number, until: number, latencies: Latency[]) {
  let claims = 0;
  let commits = 0;
  // Spread the workers' epochs over the interval, as real ones drift apart.
  await new Promise((resolve) => setTimeout(resolve, Math.random() * EPOCH_MS));
  while (Date.now() < until) {
    const claim = (await store.claimNext(sweepId, start))?.claim;
    if (!claim) break;
    claims++;
    for (let epoch = 1; epoch <= EPOCHS && Date.now() < until; epoch++) {
      await new Promise((resolve) => setTimeout(resolve, EPOCH_MS));
      // Built before the clock starts: a training thread makes the record, the commit writes it.
      const record = benchEpoch(epoch, values['no-checkpoints'] ? undefined : checkpoint(epoch));
      const t0 = performance.now();
      await store.commitEpoch(claim, record);
      latencies.push({ at: t0, ms: performance.now() - t0 });
      commits++;
    }
    await store.finishRun(claim, {
      status: 'finished',
      wallSeconds: 10,
      epochs: EPOCHS,
      testEpoch: EPOCHS,
      test: { loss: 0.3, accuracy: 0.9, confusion: [[1]], perClass: [] },
      weights,
    });
  }
  return { claims, commits };
}

const server = startPostgres();
try {
  const url = await server.database();
  const planner = await openSharedStore(url);
  const runs = Array.from(
    { length: WORKERS * Math.ceil(SECONDS / ((EPOCHS * EPOCH_MS) / 1000) + 2) },
    (_, i) => ({
      id: `run${i}`,
      groupId: `group${i}`,
      seed: 1,
      label: `run ${i}`,
      config: { i, data: null, train: { epochs: EPOCHS } },
      position: i,
      params: { i },
      lineage: null,
    }),
  );
  const sweepId = await planner.planSweep(
    {
      name: 'load',
      configHash: 'load',
      configPath: null,
      yaml: '',
      config: {},
      varying: ['i'],
      runs,
      dataFingerprints: {},
      kernels: null,
    },
    { ablateVersion: 'bench', codeVersion: null },
  );
  await planner.close();
  const stores = await Promise.all(
    Array.from({ length: WORKERS }, () => openSharedStore(url, { poolSize: 1 })),
  );
  const latencies: Latency[] = [];
  const t0 = Date.now();
  const outcomes = await Promise.all(
    stores.map((store) => simulate(store, sweepId, t0 + SECONDS * 1000, latencies)),
  );
  const elapsed = (Date.now() - t0) / 1000;
  await Promise.all(stores.map((store) => store.close()));

  const claims = outcomes.reduce((sum, o) => sum + o.claims, 0);
  const commits = outcomes.reduce((sum, o) => sum + o.commits, 0);
  const [{ epochs, reclaimed, claimed }] = await pgRows<{
    epochs: number;
    reclaimed: number;
    claimed: number;
  }>(
    url,
    `SELECT (SELECT COUNT(*)::int FROM epochs) AS epochs,
            (SELECT COUNT(*)::int FROM runs WHERE attempt > 1) AS reclaimed,
            (SELECT COUNT(*)::int FROM runs WHERE attempt > 0) AS claimed`,
  );
  // The first seconds hold every worker's first claim and first commit at once: reported apart
  // (counted from the first commit).
  const started = Math.min(...latencies.map((l) => l.at));
  const summary = (label: string, from: number) => {
    const ms = latencies
      .filter((l) => l.at - started >= from)
      .map((l) => l.ms)
      .sort((a, b) => a - b);
    console.log(
      `epoch commits ${label}: ${ms.length}, p50 ${percentile(ms, 50).toFixed(1)} ms, p99 ${percentile(ms, 99).toFixed(1)} ms, max ${ms[ms.length - 1].toFixed(1)} ms`,
    );
  };
  console.log(
    `${WORKERS} simulated workers, ${elapsed.toFixed(0)} s, one PostgreSQL 15 server on a Unix socket, ` +
      (values['no-checkpoints']
        ? 'no checkpoints'
        : `a checkpoint of ${MNIST_PARAMS * 8} bytes with every epoch`),
  );
  console.log(
    `CPU: ${cpus()[0]?.model} x ${cpus().length}, load average ${loadavg()[0].toFixed(1)} (other work included)`,
  );
  console.log(`epoch commits: ${commits} (${(commits / elapsed).toFixed(0)}/s)`);
  summary('(all)', 0);
  summary(`after the first ${WARM_UP_MS / 1000} s`, WARM_UP_MS);
  console.log(`claims: ${claims} (${(claims / elapsed).toFixed(1)}/s)`);
  const intact = epochs === commits && claimed === claims && reclaimed === 0;
  console.log(
    `stored: ${epochs} epoch rows for ${commits} commits acknowledged; ${claimed} runs claimed, ${reclaimed} twice: ` +
      (intact ? 'nothing lost or duplicated' : 'MISMATCH'),
  );
  process.exitCode = intact ? 0 : 1;
} finally {
  server.stop();
}
