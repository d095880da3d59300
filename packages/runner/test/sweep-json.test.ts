// `ablate sweep --json` and `--dry-run --json`, end to end on a tiny MNIST sweep: stdout is one JSON
// document and nothing else, progress stays on stderr, and every number agrees with the database the
// sweep wrote, read straight from its tables.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { planJson } from '../src/config/format.ts';
import type { SweepResult } from '../src/sweep/run-sweep.ts';
import { runCli, tempDir, withDb, writeSweep, type CliResult } from './helpers/cli.ts';

const EPOCHS = 2;

// The documents are these values, as JSON.
type ReportJson = SweepResult;
type PlanJson = ReturnType<typeof planJson>;

/** The one JSON document on stdout (JSON.parse refuses anything before or after it). */
function parsed<T>(result: CliResult): T {
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as T;
}

describe('ablate sweep --json', () => {
  const dir = tempDir('sweep-json');
  const dbPath = path.join(dir, 'results.db');
  // lr 1e4 diverges in epoch 1: a group without a mean.
  const sweepFile = writeSweep(dir, 'tiny.yaml', { epochs: EPOCHS });
  let first: CliResult;

  beforeAll(async () => {
    first = await runCli(['sweep', sweepFile, '--db', dbPath, '--workers', '2', '--json']);
  });

  it('prints the closing report as one JSON document on stdout, progress on stderr', async () => {
    const report = parsed<ReportJson>(first);
    expect(first.stderr).toMatch(
      /^tiny: 4 runs, 0 already done, training 4 on 2 thread\(s\)\n(\[\d\/4\] .*\n){4}$/,
    );
    expect(report).toMatchObject({
      dbPath,
      ended: { finished: 2, stalled: 0, diverged: 2, failed: 0, interrupted: 0 },
      skipped: 0,
      recovered: 0,
      interrupted: false,
    });
    const sweep = await withDb(dbPath, (db) =>
      db.get<{ id: number; name: string }>('SELECT id, name FROM sweeps'),
    );
    expect(report.sweepId).toBe(sweep?.id);
    // The ended counts are the runs table's statuses.
    const statuses = await withDb(dbPath, (db) =>
      db.all<{ status: string; n: number }>('SELECT status, count(*) AS n FROM runs GROUP BY status'),
    );
    expect(Object.fromEntries(statuses.map((row) => [row.status, row.n]))).toEqual({
      finished: 2,
      diverged: 2,
    });
  });

  it("summarizes each seed group from the database's epochs, and names the winner and the best run", async () => {
    const { summary } = parsed<ReportJson>(first);
    expect(summary.metric).toBe('val acc');
    expect(summary.varying).toEqual(['train.lr']);
    // Each group's last-epoch val acc over its finished runs, from the raw tables.
    const finals = await withDb(dbPath, (db) =>
      db.all<{ id: string; group_id: string; val_acc: number }>(
        `SELECT r.id, r.group_id, e.val_acc FROM runs r JOIN epochs e ON e.run_id = r.id
          WHERE r.status = 'finished' AND e.epoch = r.epochs_done`,
      ),
    );
    expect(summary.groups).toHaveLength(2);
    for (const group of summary.groups) {
      const values = finals.filter((row) => row.group_id === group.groupId).map((row) => row.val_acc);
      expect(group.runs).toBe(2);
      expect(group.finished).toBe(values.length);
      if (group.params['train.lr'] === 0.1) {
        expect(values).toHaveLength(2);
        const mean = (values[0] + values[1]) / 2;
        expect(group.mean).toBeCloseTo(mean, 12);
        expect(group.std).toBeCloseTo(Math.abs(values[0] - values[1]) / Math.SQRT2, 12);
      } else {
        expect(group).toMatchObject({ params: { 'train.lr': 1e4 }, mean: null, std: null, diverged: 2 });
      }
    }
    // The winner: the only group with finished runs, over its two seeds, nothing to tie with.
    const finishedGroup = summary.groups.find((group) => group.params['train.lr'] === 0.1)!;
    expect(summary.winner).toMatchObject({
      level: 0.05,
      winner: { key: finishedGroup.groupId, label: 'lr=0.1', n: 2, mean: finishedGroup.mean },
      ties: [],
      behind: [],
      untested: [],
      reason: null,
    });
    const best = finals.reduce((a, b) => (b.val_acc > a.val_acc ? b : a));
    expect(summary.best).toMatchObject({ runId: best.id, accuracy: best.val_acc });
    expect(summary.best?.label).toMatch(/^lr=0\.1 seed=\d$/);
  });

  it('reports a rerun as all skipped', async () => {
    const again = parsed<ReportJson>(await runCli(['sweep', sweepFile, '--db', dbPath, '--json']));
    expect(again).toMatchObject({
      sweepId: parsed<ReportJson>(first).sweepId,
      ended: { finished: 0, stalled: 0, diverged: 0, failed: 0, interrupted: 0 },
      skipped: 4,
    });
    expect(again.summary).toEqual(parsed<ReportJson>(first).summary);
  });

  it('prints the plan with --dry-run --json: the runs the database holds, estimates from the sweep', async () => {
    const plan = parsed<PlanJson>(await runCli(['sweep', sweepFile, '--db', dbPath, '--dry-run', '--json']));
    expect(plan).toMatchObject({ name: 'tiny', path: sweepFile, total: 4 });
    const recorded = await withDb(dbPath, (db) =>
      db.all<{
        id: string;
        label: string;
        seed: number;
        position: number;
        params_json: string;
        epochs: number;
      }>(
        `SELECT r.id, r.label, r.seed, sr.position, sr.params_json, r.epochs_planned AS epochs
           FROM sweep_runs sr JOIN runs r ON r.id = sr.run_id ORDER BY sr.position`,
      ),
    );
    expect(plan.runs.map(({ estimatedSeconds: _, ...run }) => run)).toEqual(
      recorded.map(({ params_json, ...run }) => ({
        ...run,
        params: JSON.parse(params_json) as unknown,
        // Every run is done: none would continue another.
        continues: null,
      })),
    );
    // The sweep above timed these runs' epochs on this machine.
    for (const run of plan.runs) expect(run.estimatedSeconds).toBeGreaterThan(0);
  });

  it('gives null estimates for runs never timed, caps with --max-runs, and writes nothing', async () => {
    const fresh = path.join(tempDir('sweep-json-dry'), 'results.db');
    const plan = parsed<PlanJson>(
      await runCli([
        'sweep',
        sweepFile,
        'model.hidden=[24]',
        '--max-runs',
        '3',
        '--db',
        fresh,
        '--dry-run',
        '--json',
      ]),
    );
    expect(plan.total).toBe(4);
    expect(plan.runs.map((run) => run.position)).toEqual([0, 1, 2]);
    expect(plan.runs.map((run) => run.estimatedSeconds)).toEqual([null, null, null]);
    expect(plan.runs.map((run) => run.epochs)).toEqual([EPOCHS, EPOCHS, EPOCHS]);
    expect(existsSync(fresh)).toBe(false);
  });

  it('keeps bad input to one line on stderr, stdout empty, exit code 2', async () => {
    const result = await runCli(['sweep', sweepFile, 'train.lrr=1', '--db', dbPath, '--json']);
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});
