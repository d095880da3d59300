// `ablate confirm` on the smoke sweep, end to end: the real command retrains the two leading groups
// with three fresh seeds as a new version of the sweep (the sweep's own runs reused), and what it
// reports is checked against the database's own tables.
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from './helpers/workspace.ts';
import { openReader } from '../src/db/index.ts';
import { summarizeSweep } from '../src/sweep/seed-groups.ts';
import type { ConfirmResult } from '../src/sweep/confirm.ts';
import { runCli, tempDir, withDb, writeDivergingSweep, type CliResult } from './helpers/cli.ts';

const SMOKE = path.join(repoRoot, 'experiments', 'smoke.yaml');

/** Every sweep and run of a database, to show that a refused command wrote nothing. */
const contents = (dbPath: string) =>
  withDb(dbPath, (db) =>
    Promise.all([
      db.all('SELECT id, name, config_hash FROM sweeps ORDER BY id'),
      db.all('SELECT id, status FROM runs ORDER BY id'),
      db.all('SELECT sweep_id, run_id FROM sweep_runs ORDER BY sweep_id, run_id'),
    ]),
  );

function expectRefused(result: CliResult, pattern: RegExp): void {
  expect(result.code).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderr.trim().split('\n')).toHaveLength(1);
  expect(result.stderr).toMatch(pattern);
}

describe('ablate confirm on the smoke sweep', () => {
  const dir = tempDir('confirm');
  const dbPath = path.join(dir, 'smoke.db');
  let confirmed: CliResult;
  let result: ConfirmResult;

  beforeAll(async () => {
    expect((await runCli(['sweep', SMOKE, '--db', dbPath])).code).toBe(0);
    confirmed = await runCli(['confirm', 'smoke', '--top', '2', '--seeds', '3', '--db', dbPath, '--json']);
    expect(confirmed.code).toBe(0);
    result = JSON.parse(confirmed.stdout) as ConfirmResult;
  });

  it('retrains the two leading groups on three fresh seeds, as a new version that reuses the sweep runs', async () => {
    expect(confirmed.stderr).toMatch(/^smoke: 10 runs, 4 already done, training 6 on/);
    const reader = await openReader(dbPath);
    const versions = await reader.sweepsNamed('smoke');
    const original = await summarizeSweep(reader, 1);
    const before = await reader.sweepRuns(1);
    const after = await reader.sweepRuns(result.versionId);
    await reader.close();
    expect(versions.map((version) => version.id)).toEqual([1, result.versionId]);
    expect(result).toMatchObject({
      sweepId: 1,
      sweepSeeds: [1, 2],
      freshSeeds: [3, 4, 5],
      metric: 'val acc',
    });
    // The two groups with the best sweep means, best first.
    const leading = original.groups
      .filter((group) => group.mean !== null)
      .sort((a, b) => b.mean! - a.mean!)
      .slice(0, 2);
    expect(result.groups.map((group) => group.key)).toEqual(leading.map((group) => group.groupId));
    // The new version: those groups over seeds 1 to 5; its seed-1 and seed-2 runs are the sweep's own.
    expect(after).toHaveLength(10);
    expect(new Set(after.map((run) => run.groupId))).toEqual(
      new Set(result.groups.map((group) => group.key)),
    );
    expect([...new Set(after.map((run) => run.seed))].sort()).toEqual([1, 2, 3, 4, 5]);
    const reused = after.filter((run) => run.seed <= 2).map((run) => run.id);
    expect(reused.every((id) => before.some((run) => run.id === id))).toBe(true);
    expect(after.every((run) => run.status === 'finished')).toBe(true);
  });

  it("reports each group's mean over the sweep's seeds and the fresh ones from the stored epochs", async () => {
    const finals = await withDb(dbPath, (db) =>
      db.all<{ group_id: string; seed: number; val_acc: number }>(
        `SELECT r.group_id, r.seed, e.val_acc FROM runs r JOIN epochs e ON e.run_id = r.id
          WHERE r.status = 'finished' AND e.epoch = r.epochs_done`,
      ),
    );
    const meanOf = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    for (const group of result.groups) {
      const of = (fresh: boolean) =>
        finals
          .filter((row) => row.group_id === group.key && row.seed > 2 === fresh)
          .map((row) => row.val_acc);
      expect(group.sweep.n).toBe(2);
      expect(group.fresh.n).toBe(3);
      expect(group.sweep.mean).toBeCloseTo(meanOf(of(false)), 12);
      expect(group.fresh.mean).toBeCloseTo(meanOf(of(true)), 12);
      expect(group.change).toBeCloseTo(group.fresh.mean! - group.sweep.mean!, 12);
    }
    // The leader's rank on the fresh seeds, and the winner on them, agree with those means.
    const byFresh = [...result.groups].sort((a, b) => b.fresh.mean! - a.fresh.mean!);
    expect(result.leaderRank).toBe(byFresh.findIndex((group) => group.key === result.groups[0].key) + 1);
    expect(result.fresh.winner?.key).toBe(byFresh[0].key);
    expect(result.fresh.winner?.n).toBe(3);
    expect(result.all.winner?.n).toBe(5);
    expect([...result.fresh.ties, ...result.fresh.behind].map((group) => group.key)).toEqual([
      byFresh[1].key,
    ]);
  });

  it('says it in text: the table, the leader rank and the tie sets', async () => {
    // The sweep confirmed again (its newest version, by name): nothing left to train for seeds 3-5.
    const again = await runCli(['confirm', '1', '--top', '2', '--seeds', '3', '--db', dbPath]);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/10 already done, training 0/);
    expect(again.stdout).toMatch(/^\nconfirmed the 2 leading groups of sweep #1 on fresh seeds 3, 4, 5/);
    expect(again.stdout).toMatch(/\ngroup +sweep n +sweep val acc +fresh n +fresh val acc +change\n/);
    expect(again.stdout).toMatch(/the sweep's leader (leads on the fresh seeds too|is rank 2 of 2)/);
    expect(again.stdout).toMatch(/\non the fresh seeds alone:\n {2}winner: /);
  });

  it('bad input: one line, exit 2, nothing written', async () => {
    const stored = await contents(dbPath);
    expectRefused(
      await runCli(['confirm', 'smoke', '--top', '0', '--db', dbPath]),
      /^ablate: --top: expected a positive integer, got "0"/,
    );
    expectRefused(
      await runCli(['confirm', 'smoke', '--seeds', '0', '--db', dbPath]),
      /^ablate: --seeds: expected a positive integer/,
    );
    expectRefused(
      await runCli(['confirm', '1', '--top', '5', '--db', dbPath]),
      /^ablate: confirm: --top 5: sweep 1 \(smoke\) has 4 groups with a finished run/,
    );
    expectRefused(
      await runCli(['confirm', 'nonesuch', '--db', dbPath]),
      /^ablate: sweep nonesuch: no such sweep/,
    );
    expect(await contents(dbPath)).toEqual(stored);
  });

  it('bad input: a sweep without a finished run', async () => {
    const diverging = path.join(dir, 'diverging.db');
    const file = writeDivergingSweep(dir);
    expect((await runCli(['sweep', file, '--db', diverging])).code).toBe(0);
    const stored = await contents(diverging);
    expectRefused(
      await runCli(['confirm', 'diverging', '--db', diverging]),
      /^ablate: confirm: sweep 1 \(diverging\) has no finished run yet/,
    );
    expect(await contents(diverging)).toEqual(stored);
  });
});
