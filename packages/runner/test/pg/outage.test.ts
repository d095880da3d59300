// A shared sweep rides out a PostgreSQL server that goes away: restarted (-m fast), stopped for
// longer than a lease, its connections all terminated mid-epoch, or not up yet when the workers
// start. Each time a `sweep` process and two workers train a 12-run sweep; every run ends finished
// exactly once, no epoch row twice, the results equal the same sweep on SQLite bit for bit, and
// every process exits 0. A worker kept waiting past its lease has its late commits refused and its
// run trained again by another; past --db-retry-seconds a worker gives up with exit code 4. The server is stopped and started at known points: while every process
// holds a run mid-way (ABLATE_HOLD_AT), and after each has said it is waiting.
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_UNAVAILABLE_EXIT } from '../../src/cli/exit-codes.ts';
import { redactUrl } from '../../src/db/index.ts';
import { runCli, startCli, tempDir, waitFor, writeSweep } from '../helpers/cli.ts';
import { results } from '../helpers/results.ts';
import { claimant, expectEachRunOnce, expectEqualToReference, pgRows, plannedSweep } from './cluster.ts';
import { startPostgres, type PostgresServer } from './server.ts';

const RUNS = 12;
const EPOCHS = 4;
const LEASE_SECONDS = 2;
const dir = tempDir('pg-outage');
// 3 learning rates x 4 seeds.
const file = writeSweep(dir, 'outage.yaml', {
  name: 'outage',
  lrs: [0.1, 0.05, 0.02],
  seeds: 4,
  epochs: EPOCHS,
});
const referenceDb = path.join(dir, 'reference.db');
let server: PostgresServer;
let reference: unknown[];

beforeAll(async () => {
  server = startPostgres();
  const swept = await runCli(['sweep', file, '--db', referenceDb, '--workers', '1']);
  expect(swept.code, swept.stderr).toBe(0);
  reference = await results(referenceDb);
}, 120_000);
afterAll(() => server?.stop());

/** Each process holds its second run after epoch 2: one run each finished, the next one mid-way. */
const HELD = { ABLATE_HOLD_AT: '2:2' };
const lease = ['--workers', '1', '--lease-seconds', String(LEASE_SECONDS)];

type Started = ReturnType<typeof startCli>;

/** The `sweep` process and two workers on the database. */
function startAll(url: string, env: NodeJS.ProcessEnv = {}): Started[] {
  return [
    startCli(['sweep', file, '--db', url, ...lease], env),
    startCli(['worker', '--db', url, ...lease], env),
    startCli(['worker', '--db', url, ...lease], env),
  ];
}

/** Until each of the three holds a run mid-way: a state that lasts until the test acts. */
async function untilEachHolds(url: string, processes: Started[]): Promise<void> {
  await waitFor(
    async () =>
      (await pgRows(url, "SELECT 1 FROM runs WHERE status = 'running' AND epochs_done = 2")).length === 3,
    60_000,
  ).catch(async (err) => {
    for (const { child } of processes) child.kill('SIGKILL');
    throw new Error(`${err}: ${JSON.stringify(await Promise.all(processes.map((p) => p.done)))}`);
  });
}

/** Stderr so far of a started process. */
function stderrOf(started: Started): () => string {
  let text = '';
  started.child.stderr?.on('data', (chunk) => (text += chunk));
  return () => text;
}

/** Until every process has said it is waiting for the server (they wait minutes: a lasting state). */
async function untilEachWaits(waiting: Array<() => string>): Promise<void> {
  await waitFor(
    async () => waiting.every((stderr) => /unreachable .*; waiting up to \d+ s for it/.test(stderr())),
    60_000,
  );
}

async function expectEachExitsCleanly(processes: Started[]): Promise<string[]> {
  const ended = await Promise.all(processes.map((p) => p.done));
  for (const result of ended) {
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
  }
  return ended.map((result) => result.stderr);
}

async function expectTheSweepDone(url: string, name: string): Promise<void> {
  await expectEachRunOnce(url, RUNS, EPOCHS);
  await expectEqualToReference(url, path.join(dir, `${name}.db`), reference);
}

describe('a shared sweep when the PostgreSQL server goes away', () => {
  it('rides out a restart (-m fast) mid-sweep', async () => {
    const url = await plannedSweep(server, referenceDb);
    const processes = startAll(url, HELD);
    await untilEachHolds(url, processes);
    for (const { child } of processes) child.kill('SIGCONT');
    server.restart(); // while the three train on and commit
    await expectEachExitsCleanly(processes);
    await expectTheSweepDone(url, 'restarted');
  }, 180_000);

  it('waits out a server stopped for longer than a lease, says so in two lines, and goes on', async () => {
    const url = await plannedSweep(server, referenceDb);
    const processes = startAll(url, HELD);
    const waiting = processes.map(stderrOf);
    await untilEachHolds(url, processes);
    server.down();
    try {
      for (const { child } of processes) child.kill('SIGCONT'); // their next commits find no server
      await untilEachWaits(waiting);
      // The leases of the runs in flight lapse meanwhile (by the database's clock as well).
      await sleep((LEASE_SECONDS + 1) * 1000);
    } finally {
      server.up();
    }
    for (const stderr of await expectEachExitsCleanly(processes)) {
      const outage = stderr.split('\n').filter((line) => line.includes(redactUrl(url)));
      expect(outage).toHaveLength(2);
      expect(outage[0]).toMatch(
        /^ablate: results database \S+ unreachable \(.*\); waiting up to 300 s for it$/,
      );
      expect(outage[1]).toMatch(/^ablate: results database \S+ is back after \d+\.\d s$/);
    }
    await expectTheSweepDone(url, 'stopped');
  }, 180_000);

  it('refuses the commits of a worker whose lease lapsed while it waited: the run is claimed again, recorded once', async () => {
    const url = await plannedSweep(server, referenceDb);
    const late = startCli(['worker', '--db', url, ...lease], { ABLATE_HOLD_AT: '1:2' });
    const lateStderr = stderrOf(late);
    const heldRun = async () =>
      pgRows<{ id: string }>(
        url,
        "SELECT id FROM runs WHERE claimed_by = $1 AND status = 'running' AND epochs_done = 2",
        [claimant(late.child.pid)],
      );
    await waitFor(async () => (await heldRun()).length === 1);
    const [{ id }] = await heldRun();
    server.down();
    try {
      late.child.kill('SIGCONT'); // its next commit finds no server
      await untilEachWaits([lateStderr]);
      late.child.kill('SIGSTOP'); // still waiting, past its lease, while the others go on
    } finally {
      server.up();
    }
    const others = [
      startCli(['sweep', file, '--db', url, ...lease]),
      startCli(['worker', '--db', url, ...lease]),
    ];
    await waitFor(
      async () => (await pgRows(url, 'SELECT 1 FROM runs WHERE id = $1 AND attempt = 2', [id])).length > 0,
    );
    late.child.kill('SIGCONT'); // its commit, tried again, meets the new attempt
    await expectEachExitsCleanly([...others, late]);
    expect((await late.done).stdout).toMatch(/; 1 lost to another worker after a lapsed lease/);
    await expectTheSweepDone(url, 'lapsed');
  }, 180_000);

  it('rides out every connection terminated mid-epoch', async () => {
    const url = await plannedSweep(server, referenceDb);
    const processes = startAll(url, HELD);
    await untilEachHolds(url, processes);
    for (const { child } of processes) child.kill('SIGCONT');
    const database = /@\/(\w+)\?/.exec(url)![1];
    await server.admin(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${database}' AND pid <> pg_backend_pid()`,
    );
    await expectEachExitsCleanly(processes);
    await expectTheSweepDone(url, 'terminated');
  }, 180_000);

  it('lets workers start before the server, which they wait for', async () => {
    const url = await plannedSweep(server, referenceDb);
    server.down();
    const workers = [0, 1].map(() => startCli(['worker', '--db', url, ...lease]));
    try {
      await untilEachWaits(workers.map(stderrOf));
    } finally {
      server.up();
    }
    const sweep = startCli(['sweep', file, '--db', url, ...lease]);
    await expectEachExitsCleanly([sweep, ...workers]);
    await expectTheSweepDone(url, 'started-late');
  }, 180_000);

  it('gives up past --db-retry-seconds with one line and its own exit code', async () => {
    const url = await plannedSweep(server, referenceDb);
    server.down();
    try {
      const worker = await runCli(['worker', '--db', url, '--db-retry-seconds', '1']);
      expect(worker.code, worker.stderr).toBe(DB_UNAVAILABLE_EXIT);
      const lines = worker.stderr.trim().split('\n');
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(/unreachable .*; waiting up to 1 s for it$/);
      expect(lines[1]).toMatch(
        new RegExp(
          `^ablate: results database ${redactUrl(url).replace(/[?]/g, '\\?')}: unreachable for 1 s \\(.*\\); everything committed is kept`,
        ),
      );
    } finally {
      server.up();
    }
  }, 60_000);
});
