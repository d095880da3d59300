// Pruning as real sweeps train it (the CLI as a process, on SQLite): the pruned set, each pruned
// run's epochs and every survivor's numbers are the same bit for bit on 1 and 2 threads and after
// kill -9 mid-sweep; and --no-prune gives what a sweep that never pruned gives.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { count, runCli, startCli, tempDir, waitFor, withDb } from './helpers/cli.ts';
import { GROUPS, HALVING, pruned, pruneSweep, SEEDS } from './helpers/prune.ts';
import { results } from './helpers/results.ts';

async function sweep(file: string, dbPath: string, ...args: string[]) {
  const result = await runCli(['sweep', file, '--db', dbPath, ...args]);
  expect(result.code, result.stderr).toBe(0);
  return result;
}

describe('a pruned sweep', { timeout: 120_000 }, () => {
  it('prunes the same runs at the same rungs, with the same results, on 1 and 2 threads', async () => {
    const dir = tempDir('prune-threads');
    const file = pruneSweep(dir, HALVING);
    const one = path.join(dir, 'one.db');
    const two = path.join(dir, 'two.db');
    const ran = await sweep(file, one, '--workers', '1');
    const json = JSON.parse((await sweep(file, two, '--workers', '2', '--json')).stdout);
    expect(json.ended).toMatchObject({ finished: 4, pruned: 8 });
    expect(json.pruning).toEqual({ parked: expect.any(Number), stillParked: 0 });
    expect(json.summary.groups.map((group: { pruned: number }) => group.pruned).sort()).toEqual([
      0, 0, 2, 2, 2, 2,
    ]);
    // 6 groups at rung 1 keep ceil(6 / 2) = 3; those 3 at rung 2 keep 2; each group of 2 seeds.
    expect(ran.stdout).toContain('trained 4 finished, 8 pruned; 0 already done');
    expect(ran.stdout).toMatch(/pruning: runs parked \d+ time\(s\) waiting for a decision\n/);
    // The closing table counts each group's pruned seeds: 4 groups of 2, and 2 groups of none.
    expect(ran.stdout).toMatch(
      /^lr\s+n\s+final val acc\s+stalled\s+diverged\s+pruned\s+failed\s+unfinished$/m,
    );
    expect(ran.stdout.match(/^\S+\s+2\s+-\s+0\s+0\s+2\s+0\s+0$/gm)).toHaveLength(4);
    expect(await count(one, "SELECT * FROM runs WHERE status = 'pruned' AND epochs_done = 1")).toBe(6);
    expect(await count(one, "SELECT * FROM runs WHERE status = 'pruned' AND epochs_done = 2")).toBe(2);
    // A pruned run keeps its rung's checkpoint, for --no-prune.
    expect(
      await count(
        one,
        "SELECT * FROM checkpoints c JOIN runs r ON r.id = c.run_id WHERE r.status = 'pruned' AND c.epoch = r.epochs_done",
      ),
    ).toBe(8);
    expect(await pruned(two)).toEqual(await pruned(one));
    // Halving keeps exactly ceil(n / eta) at each rung: without a diverged run, the dry run's worst
    // case is what it trained. 2 groups x 2 seeds x 4 epochs, 1 x 2 x 2 and 3 x 2 x 1, of 48.
    const dry = await runCli(['sweep', file, '--dry-run', '--json']);
    expect(JSON.parse(dry.stdout).epochBudget).toEqual({ worstCase: 26, full: 48 });
    expect(await count(one, 'SELECT * FROM epochs')).toBe(26);
    // ablate show says what pruned a run, as recorded.
    const [decision] = await withDb(one, (db) =>
      db.all<{ run_id: string; rung: number }>(
        'SELECT run_id, rule, metric, rung, value, threshold FROM prune_decisions ORDER BY rung DESC, run_id LIMIT 1',
      ),
    );
    const { run_id: runId, ...recorded } = decision;
    const shown = await runCli(['show', runId, '--db', one, '--json']);
    expect(JSON.parse(shown.stdout).pruned).toEqual(recorded);
    expect(recorded).toMatchObject({ rule: 'halving', metric: 'val_loss', rung: 2 });
    expect((await runCli(['show', runId, '--db', one])).stdout).toMatch(
      /pruned after epoch 2: halving val_loss [\d.]+ worse than [\d.]+\n/,
    );
    // Confirming the leader retrains it on a fresh seed to its last epoch: its version prunes nothing.
    const confirmed = await runCli(['confirm', '1', '--db', one, '--top', '1', '--seeds', '1']);
    expect(confirmed.code, confirmed.stderr).toBe(0);
    expect(await count(one, "SELECT * FROM runs WHERE status = 'finished' AND epochs_done = 4")).toBe(5);
  });

  it('prunes by the median the same on 1 and 2 threads', async () => {
    const dir = tempDir('prune-median');
    const file = pruneSweep(dir, '{ name: median, metric: val_acc, minGroups: 2 }');
    const one = path.join(dir, 'one.db');
    const two = path.join(dir, 'two.db');
    await sweep(file, one, '--workers', '1');
    await sweep(file, two, '--workers', '2');
    expect(await count(one, "SELECT * FROM runs WHERE status = 'pruned'")).toBeGreaterThan(0);
    expect(await pruned(two)).toEqual(await pruned(one));
  });

  it('counts a group whose seeds diverged as worse than any, the same on 1 and 2 threads', async () => {
    const dir = tempDir('prune-diverged');
    // lr 1000 diverges in epoch 1: its group is the worst at every rung of the median's.
    const file = pruneSweep(
      dir,
      '{ name: median, metric: val_loss, minGroups: 2 }',
      [0.3, 0.01, 1000, 0.1, 0.003],
    );
    const one = path.join(dir, 'one.db');
    const two = path.join(dir, 'two.db');
    const ran = JSON.parse((await sweep(file, one, '--workers', '1', '--json')).stdout);
    // lr 0.003 is pruned: worse than the median of lr 0.3, 0.01, the worst (1000) and 0.1.
    expect(ran.ended).toMatchObject({ finished: 6, diverged: 2, pruned: 2 });
    expect(ran.pruning.stillParked).toBe(0);
    expect(JSON.parse((await sweep(file, two, '--workers', '2', '--json')).stdout).pruning.stillParked).toBe(
      0,
    );
    expect(await pruned(two)).toEqual(await pruned(one));
  });

  it('--no-prune trains the pruned runs on: the results of a sweep that never pruned', async () => {
    const dir = tempDir('prune-undo');
    const file = pruneSweep(dir, HALVING);
    const never = path.join(dir, 'never.db');
    const undone = path.join(dir, 'undone.db');
    const plain = await sweep(file, never, '--no-prune', '--workers', '2');
    expect(plain.stdout).toContain('trained 12 finished; 0 already done');
    expect(plain.stdout).not.toContain('pruning:');
    await sweep(file, undone, '--workers', '2');
    const resumed = await sweep(file, undone, '--no-prune', '--workers', '2');
    // The 8 pruned runs go on from their rungs; the 4 that finished are kept.
    expect(resumed.stdout).toContain('trained 8 finished; 4 already done');
    expect(await count(undone, 'SELECT * FROM prune_decisions')).toBe(0);
    expect(await results(undone)).toEqual(await results(never));
  });

  it('after SIGINT mid-sweep: nothing left running, and a rerun ends as the sweep never stopped', async () => {
    const dir = tempDir('prune-sigint');
    const file = pruneSweep(dir, HALVING);
    const reference = path.join(dir, 'reference.db');
    await sweep(file, reference, '--workers', '1');
    const dbPath = path.join(dir, 'stopped.db');
    // Held where the kill -9 test (below) holds it: a run parked at rung 2, another held at epoch 2.
    const held = startCli(['sweep', file, '--db', dbPath, '--workers', '1'], { ABLATE_HOLD_AT: '14:2' });
    try {
      await waitFor(
        async () =>
          (await count(dbPath, 'SELECT * FROM runs WHERE parked_at = 2')) === 1 &&
          (await count(dbPath, "SELECT * FROM runs WHERE status = 'running' AND epochs_done = 2")) === 1,
      );
    } finally {
      held.child.kill('SIGINT');
    }
    expect((await held.done).code).toBe(130);
    expect(await count(dbPath, "SELECT * FROM runs WHERE status = 'running'")).toBe(0);
    await sweep(file, dbPath, '--workers', '2');
    expect(await pruned(dbPath)).toEqual(await pruned(reference));
  });

  it('after kill -9 mid-sweep, a rerun on 2 threads ends as the sweep never stopped', async () => {
    const dir = tempDir('prune-kill');
    const file = pruneSweep(dir, HALVING);
    const reference = path.join(dir, 'reference.db');
    await sweep(file, reference, '--workers', '1');
    const dbPath = path.join(dir, 'killed.db');
    // One thread: 12 runs to rung 1, all but the last parked there; the last decides rung 1 and is
    // pruned. Then the parked runs in plan order: lr 0.3 seed 1 trains to rung 2 and parks, lr 0.01
    // seed 1 is pruned where it is, and lr 0.1 seed 1, the 14th run the thread trains, is held
    // once it has reported epoch 2 (exec/hold.ts).
    const held = startCli(['sweep', file, '--db', dbPath, '--workers', '1'], { ABLATE_HOLD_AT: '14:2' });
    try {
      await waitFor(
        async () =>
          (await count(dbPath, "SELECT * FROM runs WHERE status = 'pruned'")) === 2 &&
          (await count(dbPath, "SELECT * FROM runs WHERE status = 'running' AND epochs_done = 2")) === 1,
      );
    } finally {
      held.child.kill('SIGKILL');
    }
    expect((await held.done).signal).toBe('SIGKILL');
    expect(await count(dbPath, 'SELECT * FROM runs WHERE parked_at = 2')).toBe(1);
    const rerun = await sweep(file, dbPath, '--workers', '2');
    expect(rerun.stderr).toMatch(/1 left running by a dead process recovered/);
    expect(await pruned(dbPath)).toEqual(await pruned(reference));
    expect(await count(dbPath, 'SELECT * FROM runs')).toBe(GROUPS * SEEDS);
  });
});
