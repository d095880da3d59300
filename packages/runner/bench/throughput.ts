// Sweep throughput on PostgreSQL with 1 and 2 worker processes (one training thread each): the same
// 32-run sweep, timed from start until its `sweep` process returns (every run ended), first alone,
// then with one `worker` beside it. Both include process start-up and data preparation. The ratio
// means something only on an otherwise idle machine: the load average is printed with it.
// Usage: tsx packages/runner/bench/throughput.ts
import { cpus, loadavg } from 'node:os';
import { startCli, tempDir, writeSweep } from '../test/helpers/cli.ts';
import { pgRows } from '../test/pg/cluster.ts';
import { startPostgres } from '../test/pg/server.ts';

const RUNS = 32;
const file = writeSweep(tempDir('bench'), 'bench.yaml', {
  name: 'bench',
  lrs: [0.1, 0.05, 0.02, 0.01],
  seeds: RUNS / 4,
  epochs: 6,
  subset: 8000,
  hidden: 128,
});

async function timeSweep(url: string, processes: number): Promise<number> {
  const t0 = performance.now();
  // Helpers wait for the sweep from the start (--follow) and are stopped once it is done.
  const helpers = Array.from({ length: processes - 1 }, () =>
    startCli(['worker', '--db', url, '--workers', '1', '--follow']),
  );
  const sweep = await startCli(['sweep', file, '--db', url, '--workers', '1']).done;
  const seconds = (performance.now() - t0) / 1000;
  for (const helper of helpers) helper.child.kill('SIGTERM');
  await Promise.all(helpers.map((helper) => helper.done));
  const split = await pgRows<{ n: number }>(
    url,
    'SELECT COUNT(*)::int AS n FROM runs GROUP BY claimed_by ORDER BY n DESC',
  );
  console.log(
    `${processes} process(es): ${seconds.toFixed(1)} s, runs trained per process: ${split.map((row) => row.n).join(', ')}`,
  );
  if (sweep.code !== 0) throw new Error(`sweep failed: ${sweep.stderr}`);
  const [{ n }] = await pgRows<{ n: number }>(
    url,
    "SELECT COUNT(*)::int AS n FROM runs WHERE status = 'finished'",
  );
  if (n !== RUNS) throw new Error(`${n} of ${RUNS} runs finished`);
  return seconds;
}

const server = startPostgres();
try {
  const one = await timeSweep(await server.database(), 1);
  const two = await timeSweep(await server.database(), 2);
  console.log(
    `CPU: ${cpus()[0]?.model} x ${cpus().length}, load average ${loadavg()[0].toFixed(1)} (other work included)`,
  );
  console.log(
    `${RUNS} runs: 1 process ${one.toFixed(1)} s, 2 processes ${two.toFixed(1)} s: ${(one / two).toFixed(2)}x`,
  );
} finally {
  server.stop();
}
