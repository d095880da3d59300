// A run whose train loss stops moving ends `stalled` (exec/train.ts): stopped at the epoch the
// stall rule holds, evaluated, its weights stored, counted apart from finished runs like diverged.
// Interrupted (kill -9) before that epoch, it resumes and stalls at the same epoch with every number
// of the run never stopped (the losses so far travel in the checkpoint); a checkpoint without them
// (written before they were kept) resumes with the window empty. A longer run of its lineage
// continues from it and stops where it did.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openForWriting } from '../src/db/tables.ts';
import { count, runCli, startCli, tempDir, waitFor, withDb, writeSweep } from './helpers/cli.ts';
import { results } from './helpers/results.ts';

const EPOCHS = 10;
/** With the default stall rule (5 epochs within 0.1%), lr 1e-7 leaves the loss flat from epoch 1. */
const STALLS_AT = 6;

function flatSweep(prefix: string) {
  const dir = tempDir(prefix);
  // Plan order, one thread: run 1 learns (lr 0.1), run 2 stalls (lr 1e-7).
  const file = writeSweep(dir, 'flat.yaml', { name: 'flat', lrs: [0.1, 1e-7], seeds: 1, epochs: EPOCHS });
  return { dir, file, dbPath: path.join(dir, 'results.db') };
}

const statuses = (dbPath: string) =>
  withDb(dbPath, (db) =>
    db.all<{ lr: number; status: string; epochs_done: number }>(
      "SELECT json_extract(config_json, '$.train.lr') AS lr, status, epochs_done FROM runs ORDER BY lr",
    ),
  );

/** Starts the sweep on one thread, held after epoch 4 of the stalling run, and kills it there. */
async function killAfterEpoch4(file: string, dbPath: string) {
  const sweep = startCli(['sweep', file, '--db', dbPath, '--workers', '1'], { ABLATE_HOLD_AT: '2:4' });
  try {
    await waitFor(
      async () =>
        (await count(dbPath, "SELECT * FROM runs WHERE status = 'running' AND epochs_done = 4")) === 1,
    );
  } finally {
    sweep.child.kill('SIGKILL');
    await sweep.done;
  }
}

describe('a run whose loss stalls', { timeout: 120_000 }, () => {
  it('ends stalled at the rule’s epoch, evaluated and stored, counted apart; resumed after kill -9 it is the same bit for bit', async () => {
    const { dir, file, dbPath } = flatSweep('stalled');
    const referencePath = path.join(dir, 'reference.db');
    const reference = await runCli(['sweep', file, '--db', referencePath, '--workers', '1', '--json']);
    expect(reference.code, reference.stderr).toBe(0);
    expect(await statuses(referencePath)).toEqual([
      { lr: 1e-7, status: 'stalled', epochs_done: STALLS_AT },
      { lr: 0.1, status: 'finished', epochs_done: EPOCHS },
    ]);
    const { ended, summary } = JSON.parse(reference.stdout);
    expect(ended).toEqual({ finished: 1, stalled: 1, diverged: 0, pruned: 0, failed: 0, interrupted: 0 });
    const flat = summary.groups.find(
      (group: { params: Record<string, number> }) => group.params['train.lr'] === 1e-7,
    );
    expect(flat).toMatchObject({ runs: 1, finished: 0, stalled: 1, diverged: 0, unfinished: 0, mean: null });
    expect(summary.winner.winner).toBeNull();
    expect(await count(referencePath, 'SELECT * FROM weights')).toBe(2);
    expect(await count(referencePath, 'SELECT * FROM test_results')).toBe(2);
    // Layer statistics: every layer has an update ratio; only the ReLU layer a dead fraction.
    expect(await count(referencePath, 'SELECT * FROM layer_stats WHERE update_ratio IS NULL')).toBe(0);
    expect(
      await withDb(referencePath, (db) =>
        db.all('SELECT DISTINCT name, dead_fraction IS NULL AS none FROM layer_stats ORDER BY name'),
      ),
    ).toEqual([
      { name: 'dense0 (relu)', none: 0 },
      { name: 'dense1 (softmax)', none: 1 },
    ]);
    // The stalling run's verdict: gradients reach the layers, the steps are too small for them.
    const id = (await withDb(referencePath, (db) =>
      db.get<{ id: string }>("SELECT id FROM runs WHERE status = 'stalled'"),
    ))!.id;
    const { diagnosis } = JSON.parse((await runCli(['show', id, '--db', referencePath, '--json'])).stdout);
    expect(diagnosis).toMatchObject({ cause: 'too small a step', statistic: { name: 'update_ratio' } });
    for (const ratio of Object.values(diagnosis.statistic.values) as number[])
      expect(ratio).toBeLessThan(1e-5);

    await killAfterEpoch4(file, dbPath);
    const resumed = await runCli(['sweep', file, '--db', dbPath, '--workers', '1']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/stalled {3}test acc 0\.\d{4} after 6 of 10 epochs/);
    expect(await count(dbPath, 'SELECT * FROM runs WHERE attempt = 2')).toBe(1);
    expect(await results(dbPath)).toEqual(await results(referencePath));
  });

  it('resumed from a checkpoint without its losses (written before they were kept), starts the window anew', async () => {
    const { file, dbPath } = flatSweep('stalled-old');
    await killAfterEpoch4(file, dbPath);
    const db = await openForWriting(dbPath, { create: false });
    await db.run("UPDATE checkpoints SET state_json = json_remove(state_json, '$.trainLoss')");
    await db.close();
    const resumed = await runCli(['sweep', file, '--db', dbPath, '--workers', '1']);
    expect(resumed.code, resumed.stderr).toBe(0);
    // Epochs 5 to 10 are the window's six losses: it stalls at the last planned epoch.
    expect(await statuses(dbPath)).toEqual([
      { lr: 1e-7, status: 'stalled', epochs_done: EPOCHS },
      { lr: 0.1, status: 'finished', epochs_done: EPOCHS },
    ]);
  });

  it('trained longer, a run of its lineage continues from it and stops where it did, stalled', async () => {
    const { file, dbPath } = flatSweep('stalled-longer');
    expect((await runCli(['sweep', file, '--db', dbPath])).code).toBe(0);
    const longer = await runCli(['sweep', file, 'train.epochs=20', '--db', dbPath, '--new-version']);
    expect(longer.code, longer.stderr).toBe(0);
    const runs = await withDb(dbPath, (db) =>
      db.all<{ id: string; status: string; epochs_done: number; continued_from: string | null }>(
        "SELECT id, status, epochs_done, continued_from FROM runs WHERE epochs_planned = 20 AND json_extract(config_json, '$.train.lr') = 1e-7",
      ),
    );
    const short = (await withDb(dbPath, (db) =>
      db.get<{ id: string }>("SELECT id FROM runs WHERE epochs_planned = 10 AND status = 'stalled'"),
    ))!.id;
    expect(runs).toEqual([
      { id: expect.any(String), status: 'stalled', epochs_done: STALLS_AT, continued_from: short },
    ]);
    // Its epochs are the shorter run's, not trained again; its test values are of the same weights.
    const test = (runId: string) =>
      withDb(dbPath, (db) =>
        db.get('SELECT loss, accuracy, confusion_json FROM test_results WHERE run_id = ?', [runId]),
      );
    expect(await test(runs[0].id)).toEqual(await test(short));
  });
});
