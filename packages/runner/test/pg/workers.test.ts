// A sweep shared by processes on PostgreSQL: one `sweep` and two `worker`s, one of them killed with
// -9 mid-run; the `sweep` process killed; a worker stopped by SIGINT; a worker paused past its
// lease. Every run ends exactly once, no epoch is written twice, a late writer writes nothing, the
// stopped run goes on from its last committed epoch (its earlier rows kept as they were), and
// every number equals the same sweep's on SQLite bit for bit.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCli, tempDir, waitFor } from '../helpers/cli.ts';
import { DEFAULT_LEASE_SECONDS } from '../../src/db/index.ts';
import { results } from '../helpers/results.ts';
import {
  claimant,
  expectEachRunOnce,
  expectEqualToReference as expectEqualTo,
  HELD,
  HELD_EPOCH,
  pgRows,
  plannedSweep as plannedSweepIn,
  RUNS,
  sweepFile,
} from './cluster.ts';
import { startPostgres, type PostgresServer } from './server.ts';

let server: PostgresServer;
let reference: Promise<unknown[]>;
const dir = tempDir('pg-workers');
const file = sweepFile(dir);

const referenceDb = path.join(dir, 'reference.db');

beforeAll(() => {
  server = startPostgres();
  // The same sweep on SQLite in one process, to compare against.
  reference = runCli(['sweep', file, '--db', referenceDb, '--workers', '1']).then((result) => {
    expect(result.code).toBe(0);
    return results(referenceDb);
  });
});

/** The sweep as planned, nothing trained, in a new database. */
async function plannedSweep(): Promise<string> {
  await reference;
  return plannedSweepIn(server, referenceDb);
}
afterAll(() => server?.stop());

/** This process's run held mid-way (started with HELD): a state that lasts until the test acts. */
function holdsRunMidway(url: string, pid: number | undefined) {
  return async () =>
    (
      await pgRows(
        url,
        "SELECT 1 FROM runs WHERE claimed_by = $1 AND status = 'running' AND epochs_done = $2",
        [claimant(pid), HELD_EPOCH],
      )
    ).length > 0;
}

/** Exports the PostgreSQL sweep to a SQLite file and checks it against the SQLite reference. */
async function expectEqualToReference(url: string, name: string) {
  await expectEqualTo(url, path.join(dir, `${name}.db`), await reference);
}

/** The epoch rows of the run this process holds, wall times included. */
async function heldRows(url: string, pid: number | undefined) {
  return pgRows<{ run_id: string }>(
    url,
    'SELECT e.* FROM epochs e JOIN runs r ON r.id = e.run_id WHERE r.claimed_by = $1 ORDER BY e.epoch',
    [claimant(pid)],
  );
}

/** The held run went on from its last committed epoch in a second attempt: those epochs' rows are as they were. */
async function expectResumed(url: string, held: Array<{ run_id: string }>) {
  expect(held).toHaveLength(HELD_EPOCH);
  const rows = await pgRows(url, 'SELECT * FROM epochs WHERE run_id = $1 AND epoch <= $2 ORDER BY epoch', [
    held[0].run_id,
    HELD_EPOCH,
  ]);
  expect(rows).toEqual(held);
  expect(
    await pgRows(url, 'SELECT 1 FROM runs WHERE id = $1 AND attempt = 2', [held[0].run_id]),
  ).toHaveLength(1);
}

describe('a sweep across processes on PostgreSQL', () => {
  it('survives a worker killed with -9 mid-run: every run once, the same bits as on SQLite', async () => {
    const url = await plannedSweep();
    const doomed = startCli(['worker', '--db', url, '--workers', '1', '--lease-seconds', '2'], HELD);
    await waitFor(holdsRunMidway(url, doomed.child.pid));
    const held = await heldRows(url, doomed.child.pid);
    doomed.child.kill('SIGKILL');
    // The rest of the sweep, and the killed worker's run once its lease lapses, go to these two.
    const sweep = startCli(['sweep', file, '--db', url, '--workers', '1']);
    const other = startCli(['worker', '--db', url, '--workers', '1', '--follow']);
    expect((await doomed.done).signal).toBe('SIGKILL');

    expect((await sweep.done).code).toBe(0);
    other.child.kill('SIGTERM');
    expect((await other.done).code).toBe(143);
    await expectEachRunOnce(url);
    // The killed worker's run was claimed again and went on from its last committed epoch.
    expect(await pgRows(url, 'SELECT 1 FROM runs WHERE attempt = 2')).toHaveLength(1);
    await expectResumed(url, held);
    await expectEqualToReference(url, 'killed');
  }, 180_000);

  it('loses nothing when the sweep process is killed: a worker finishes its sweep', async () => {
    const url = await plannedSweep();
    const sweep = startCli(['sweep', file, '--db', url, '--workers', '1'], HELD);
    await waitFor(holdsRunMidway(url, sweep.child.pid));
    const held = await heldRows(url, sweep.child.pid);
    sweep.child.kill('SIGKILL');
    expect((await sweep.done).signal).toBe('SIGKILL');
    // The killed process's run is claimable once its lease (the default) lapses.
    const worker = startCli(['worker', '--db', url, '--workers', '1', '--follow']);
    await waitFor(
      async () => (await pgRows(url, "SELECT 1 FROM runs WHERE status = 'finished'")).length === RUNS,
      DEFAULT_LEASE_SECONDS * 1000 + 60_000,
    );
    worker.child.kill('SIGTERM');
    expect((await worker.done).code).toBe(143);
    await expectEachRunOnce(url);
    await expectResumed(url, held);
    await expectEqualToReference(url, 'sweep-killed');
  }, 180_000);

  it('resumes a run a worker stopped on SIGINT: marked interrupted, then gone on with by another', async () => {
    const url = await plannedSweep();
    const stopped = startCli(['worker', '--db', url, '--workers', '1'], HELD);
    await waitFor(holdsRunMidway(url, stopped.child.pid));
    const held = await heldRows(url, stopped.child.pid);
    stopped.child.kill('SIGINT');
    expect((await stopped.done).code).toBe(130);
    expect(await pgRows(url, "SELECT 1 FROM runs WHERE status = 'interrupted'")).toHaveLength(1);
    const sweep = await runCli(['sweep', file, '--db', url, '--workers', '1']);
    expect(sweep.code, sweep.stderr).toBe(0);
    await expectEachRunOnce(url);
    await expectResumed(url, held);
    await expectEqualToReference(url, 'sigint');
  }, 180_000);

  it('refuses the late writes of a worker paused past its lease: the run is the new attempt alone', async () => {
    const url = await plannedSweep();
    const paused = startCli(['worker', '--db', url, '--workers', '1', '--lease-seconds', '2'], HELD);
    await waitFor(holdsRunMidway(url, paused.child.pid)).catch(async (err) => {
      paused.child.kill('SIGKILL');
      throw new Error(`${err}: ${JSON.stringify(await paused.done)}`);
    });
    const [{ id }] = await pgRows<{ id: string }>(url, 'SELECT id FROM runs WHERE claimed_by = $1', [
      claimant(paused.child.pid),
    ]);
    const held = await heldRows(url, paused.child.pid);
    paused.child.kill('SIGSTOP');
    // A second sweep of the same file is one more worker: it trains the rest, then the paused run.
    const sweep = startCli(['sweep', file, '--db', url, '--workers', '1']);
    // The sweep process claims the run once the lease lapses, and goes on from its epoch 2.
    await waitFor(
      async () => (await pgRows(url, 'SELECT 1 FROM runs WHERE id = $1 AND attempt = 2', [id])).length > 0,
    );
    // Resumed, and its hold released (SIGCONT does both): its next epoch is a late write.
    paused.child.kill('SIGCONT');

    const [swept, resumed] = await Promise.all([sweep.done, paused.done]);
    expect(swept.code).toBe(0);
    expect(resumed.stdout).toMatch(/1 lost to another worker/);
    expect(resumed.code, resumed.stderr).toBe(0);
    const [run] = await pgRows(url, 'SELECT attempt, claimed_by FROM runs WHERE id = $1', [id]);
    expect(run).toEqual({ attempt: 2, claimed_by: claimant(sweep.child.pid) });
    await expectEachRunOnce(url);
    await expectResumed(url, held);
    await expectEqualToReference(url, 'paused');
  }, 180_000);
});
