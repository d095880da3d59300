// A pruned sweep trained by two `worker` processes on PostgreSQL prunes the same runs at the same
// rungs, with the same decisions and every number the same bit for bit, as one thread on SQLite.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openReader } from '../../src/db/index.ts';
import { runCli, startCli, tempDir, waitFor } from '../helpers/cli.ts';
import { HALVING, pruned, pruneSweep } from '../helpers/prune.ts';
import { claimant, pgRows } from './cluster.ts';
import { startPostgres, type PostgresServer } from './server.ts';

let server: PostgresServer;
const dir = tempDir('pg-prune');
const file = pruneSweep(dir, HALVING);
const referenceDb = path.join(dir, 'reference.db');

let reference: Promise<unknown>;

beforeAll(() => {
  server = startPostgres();
  reference = runCli(['sweep', file, '--db', referenceDb, '--workers', '1']).then((result) =>
    expect(result.code, result.stderr).toBe(0),
  );
});
afterAll(() => server?.stop());

describe('a pruned sweep across processes on PostgreSQL', () => {
  it('prunes what one thread on SQLite prunes, the same bits', async () => {
    await reference;
    // The sweep as planned, nothing trained: the reference exported, every run pending again.
    const url = await server.database();
    const exported = await runCli(['export', '1', '--db', referenceDb, '--to', url]);
    expect(exported.code, exported.stderr).toBe(0);
    for (const table of [
      'epochs',
      'layer_stats',
      'test_results',
      'weights',
      'checkpoints',
      'prune_decisions',
    ])
      await pgRows(url, `DELETE FROM ${table}`);
    await pgRows(
      url,
      "UPDATE runs SET status = 'pending', attempt = 0, epochs_done = 0, claimed_by = NULL, parked_at = NULL",
    );

    // The first worker holds its first run (lr 0.3, seed 1) once it has reported epoch 1, rung 1
    // (exec/hold.ts): its value there is recorded, so the second worker decides rung 1 without it
    // (3 groups pruned, lr 0.3's kept) and takes the 5 other runs kept to rung 2, where they park,
    // the decision waiting for the held run. Released, it trains on, and both workers end the sweep.
    const first = startCli(['worker', '--db', url, '--workers', '1'], { ABLATE_HOLD_AT: '1:1' });
    const holding = async () =>
      (
        await pgRows(
          url,
          "SELECT 1 FROM runs WHERE claimed_by = $1 AND status = 'running' AND epochs_done = 1",
          [claimant(first.child.pid)],
        )
      ).length === 1;
    const second = await waitFor(holding)
      .then(() => startCli(['worker', '--db', url, '--workers', '1']))
      .catch((err: unknown) => {
        first.child.kill('SIGKILL');
        throw err;
      });
    await waitFor(
      async () =>
        (await pgRows(url, "SELECT 1 FROM runs WHERE status = 'pruned' AND epochs_done = 1")).length === 6 &&
        (await pgRows(url, 'SELECT 1 FROM runs WHERE parked_at = 2')).length === 5,
    ).catch((err: unknown) => {
      // A held worker waits for SIGCONT forever: neither may outlive the test.
      for (const worker of [first, second]) worker.child.kill('SIGKILL');
      throw err;
    });
    first.child.kill('SIGCONT');
    for (const worker of [first, second]) expect((await worker.done).code).toBe(0);
    expect(await pgRows(url, 'SELECT DISTINCT claimed_by FROM runs')).toHaveLength(2);
    expect(await pgRows(url, "SELECT 1 FROM runs WHERE status = 'pruned'")).toHaveLength(8);
    const copy = path.join(dir, 'copy.db');
    const back = await runCli(['export', '1', '--db', url, '--to', copy]);
    expect(back.code, back.stderr).toBe(0);
    expect(await pruned(copy)).toEqual(await pruned(referenceDb));
  }, 180_000);

  it('prunes the same when the sweep process itself trains it on PostgreSQL, on 2 threads', async () => {
    await reference;
    const url = await server.database();
    // --no-prune cannot undo a shared sweep's rule (its workers read it): refused, nothing written.
    const refused = await runCli(['sweep', file, '--db', url, '--no-prune']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^ablate: \S+pruned\.yaml: --no-prune: for a SQLite file only; [^\n]*\n$/);
    expect(await pgRows(url, "SELECT to_regclass('runs') AS t")).toEqual([{ t: null }]);
    const swept = await runCli(['sweep', file, '--db', url, '--workers', '2']);
    expect(swept.code, swept.stderr).toBe(0);
    expect(swept.stdout).toContain('trained 4 finished, 8 pruned; 0 already done');
    const copy = path.join(dir, 'swept.db');
    const back = await runCli(['export', '1', '--db', url, '--to', copy]);
    expect(back.code, back.stderr).toBe(0);
    expect(await pruned(copy)).toEqual(await pruned(referenceDb));
    // The sweep's decisions in one read (the dashboard's curves), the same on both stores.
    const [onPostgres, onSqlite] = await Promise.all([openReader(url), openReader(referenceDb)]);
    const decisions = await onPostgres.pruneDecisionsOfSweep(1);
    expect(decisions).toHaveLength(8);
    expect(decisions).toEqual(await onSqlite.pruneDecisionsOfSweep(1));
    await Promise.all([onPostgres.close(), onSqlite.close()]);
  }, 180_000);
});
