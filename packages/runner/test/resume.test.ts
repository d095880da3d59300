// Stopping a sweep never loses or duplicates work: after kill -9 (no chance to clean up) or
// SIGINT (clean stop), the next invocation keeps every finished run as it was, resumes the run it
// stopped from its last committed epoch (the epochs before kept as they were), and ends with every
// number equal, bit for bit, to the same sweep never stopped; on each kernel set, with every
// training knob that carries state between epochs. A run resumes only on the kernel set it started
// on: on another it is trained again from epoch 1.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { count, knobsSweep, runCli, startCli, tempDir, waitFor, withDb, writeSweep } from './helpers/cli.ts';
import { results } from './helpers/results.ts';

const RUNS = 4;
const EPOCHS = 4;

function sweepFile(prefix: string) {
  const dir = tempDir(prefix);
  const file = writeSweep(dir, 'held.yaml', { name: 'held', lrs: [0.1, 0.05], seeds: 2, epochs: EPOCHS });
  return { file, dbPath: path.join(dir, 'results.db'), dir };
}

/** Every number the sweep file gives when trained without a stop, on these kernels. */
async function uninterrupted(file: string, dir: string, env: NodeJS.ProcessEnv = {}) {
  const dbPath = path.join(dir, 'reference.db');
  const result = await runCli(['sweep', file, '--db', dbPath, '--workers', '1'], env);
  expect(result.code, result.stderr).toBe(0);
  return results(dbPath);
}

/** The held run's epoch rows, wall times included: a run resumed keeps them as they were. */
function heldEpochs(dbPath: string) {
  return withDb(dbPath, (db) =>
    db.all(
      `SELECT e.* FROM epochs e JOIN runs r ON r.id = e.run_id
        WHERE r.status IN ('running', 'interrupted') ORDER BY e.epoch`,
    ),
  );
}

/**
 * Starts the sweep on one thread, held (exec/hold.ts) after epoch 2 of its second run, and returns
 * once the store shows that: one run finished, the next one mid-way. The state lasts until the test
 * signals the process, however fast the machine trains.
 */
async function startAndHoldMidRun(file: string, dbPath: string, env: NodeJS.ProcessEnv = {}) {
  const sweep = startCli(['sweep', file, '--db', dbPath, '--workers', '1'], {
    ...env,
    ABLATE_HOLD_AT: '2:2',
  });
  const runsWhere = (condition: string) => count(dbPath, `SELECT * FROM runs WHERE ${condition}`);
  try {
    await waitFor(
      async () =>
        (await runsWhere("status = 'finished'")) === 1 &&
        (await runsWhere("status = 'running' AND epochs_done = 2")) === 1,
    );
  } catch {
    sweep.child.kill('SIGKILL');
    throw new Error(
      `never saw a finished run next to one held mid-way; output: ${JSON.stringify(await sweep.done)}`,
    );
  }
  return sweep;
}

function finishedEpochs(dbPath: string) {
  return withDb(dbPath, (db) =>
    db.all(
      "SELECT e.*, r.finished_at FROM epochs e JOIN runs r ON r.id = e.run_id WHERE r.status = 'finished' ORDER BY e.run_id, e.epoch",
    ),
  );
}

async function expectCompleteAndUnduplicated(dbPath: string, keptEpochs: unknown[]) {
  expect(await count(dbPath, "SELECT * FROM runs WHERE status = 'finished'")).toBe(RUNS);
  expect(await count(dbPath, 'SELECT * FROM epochs')).toBe(RUNS * EPOCHS);
  expect(await count(dbPath, 'SELECT * FROM test_results')).toBe(RUNS);
  expect(await count(dbPath, 'SELECT * FROM weights')).toBe(RUNS);
  // Runs finished before the stop are untouched: same rows, same timings, same finish time.
  const now = (await finishedEpochs(dbPath)) as { run_id: string }[];
  const keptIds = new Set((keptEpochs as { run_id: string }[]).map((row) => row.run_id));
  expect(now.filter((row) => keptIds.has(row.run_id))).toEqual(keptEpochs);
}

/** After the rerun: the held run was resumed (a second attempt) with its first two epochs' rows as they were. */
async function expectResumed(dbPath: string, held: unknown[]) {
  expect(held).toHaveLength(2);
  const runId = (held[0] as { run_id: string }).run_id;
  const rows = await withDb(dbPath, (db) =>
    db.all('SELECT * FROM epochs WHERE run_id = ? AND epoch <= 2 ORDER BY epoch', [runId]),
  );
  expect(rows).toEqual(held);
  expect(await count(dbPath, 'SELECT * FROM runs WHERE id = ? AND attempt = 2', [runId])).toBe(1);
  // Every run finished, and keeps the checkpoint of its last epoch (a longer sweep continues it).
  expect(
    await count(
      dbPath,
      "SELECT * FROM checkpoints c JOIN runs r ON r.id = c.run_id WHERE c.epoch = r.epochs_done AND r.status = 'finished'",
    ),
  ).toBe(await count(dbPath, 'SELECT * FROM runs'));
}

describe('resuming a stopped sweep', { timeout: 90_000 }, () => {
  it('after kill -9: the abandoned run goes on from its last committed epoch, finished ones kept', async () => {
    const { file, dbPath, dir } = sweepFile('kill');
    const reference = uninterrupted(file, dir);
    const sweep = await startAndHoldMidRun(file, dbPath);
    sweep.child.kill('SIGKILL');
    expect((await sweep.done).signal).toBe('SIGKILL');
    const kept = await finishedEpochs(dbPath);
    expect(kept).toHaveLength(EPOCHS);
    expect(await count(dbPath, "SELECT * FROM runs WHERE status = 'running'")).toBe(1);
    const held = await heldEpochs(dbPath);

    // The dead process's lease on the database is stale: the next sweep takes it over.
    const resumed = await runCli(['sweep', file, '--db', dbPath, '--workers', '2']);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toMatch(/1 left running by a dead process recovered/); // progress, on stderr
    await expectCompleteAndUnduplicated(dbPath, kept);
    await expectResumed(dbPath, held);
    expect(await results(dbPath)).toEqual(await reference);
  });

  it('after SIGINT: runs in flight are marked interrupted, exit code 130, then resumed', async () => {
    const { file, dbPath, dir } = sweepFile('sigint');
    const reference = uninterrupted(file, dir);
    const sweep = await startAndHoldMidRun(file, dbPath);
    sweep.child.kill('SIGINT');
    const stopped = await sweep.done;
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toContain('SIGINT');
    expect(await count(dbPath, "SELECT * FROM runs WHERE status = 'running'")).toBe(0);
    expect(await count(dbPath, "SELECT * FROM runs WHERE status = 'interrupted'")).toBe(1);
    const kept = await finishedEpochs(dbPath);
    expect(kept).toHaveLength(EPOCHS);
    const held = await heldEpochs(dbPath);

    const resumed = await runCli(['sweep', file, '--db', dbPath, '--workers', '2']);
    expect(resumed.code).toBe(0);
    await expectCompleteAndUnduplicated(dbPath, kept);
    await expectResumed(dbPath, held);
    expect(await results(dbPath)).toEqual(await reference);
  });

  it('while a sweep is writing a database, a second sweep on it is refused', async () => {
    const { file, dbPath } = sweepFile('busy');
    // Held after its first epoch: the first sweep is surely still running when the second asks.
    const first = startCli(['sweep', file, '--db', dbPath, '--workers', '1'], { ABLATE_HOLD_AT: '1:1' });
    try {
      await waitFor(async () => (await count(dbPath, "SELECT * FROM runs WHERE status = 'running'")) > 0);
      const second = await runCli(['sweep', file, '--db', dbPath]);
      expect(second.code).toBe(2);
      expect(second.stderr.trim()).toBe(
        `ablate: ${dbPath} is in use by another sweep (process ${first.child.pid}); wait for it to end, or use --db for another file`,
      );
    } finally {
      first.child.kill('SIGKILL');
      await first.done;
    }
  });
});

/**
 * 8 runs over MNIST's first images with every knob that carries state from one epoch to the next:
 * the optimizers' slots and step count (momentum, adam), the shuffle and dropout streams, batch
 * norm's running statistics, a step schedule with warmup, clipping, early stopping with restoreBest
 * (patience 2: no run stops before its 3rd epoch, so the second run is held mid-way).
 */
const KNOBS = knobsSweep(
  'knobs',
  `train:
  epochs: 5
  batchSize: 32
  lr: 0.05
  clipGradNorm: 2
  schedule: { name: step, every: 2, gamma: 0.5, warmupEpochs: 1 }
  earlyStop: { metric: val_loss, patience: 2, restoreBest: true }
sweep:
  grid:
    train.optimizer: [momentum, adam]
    train.lr: [0.05, 0.5]
  seeds: 2
`,
);

describe.each(['native', 'wasm', 'reference'])('resuming on the %s kernels', (kernelSet) => {
  it('after kill -9, every knob in use: the same bits as never stopped', async () => {
    const dir = tempDir(`resume-${kernelSet}`);
    const file = path.join(dir, 'knobs.yaml');
    writeFileSync(file, KNOBS);
    const env = { ABLATE_KERNELS: kernelSet };
    const reference = uninterrupted(file, dir, env);
    const dbPath = path.join(dir, 'results.db');
    const sweep = await startAndHoldMidRun(file, dbPath, env);
    sweep.child.kill('SIGKILL');
    await sweep.done;
    const held = await heldEpochs(dbPath);

    const resumed = await runCli(['sweep', file, '--db', dbPath, '--workers', '2'], env);
    expect(resumed.code, resumed.stderr).toBe(0);
    const runs = await withDb(dbPath, (db) => db.all<{ status: string }>('SELECT status FROM runs'));
    expect(runs).toEqual(Array(8).fill({ status: 'finished' }));
    await expectResumed(dbPath, held);
    expect(await results(dbPath)).toEqual(await reference);
  }, 120_000);
});

describe('a run stopped on one kernel set and rerun on another', () => {
  it('is trained again from epoch 1 on the new set, and equals that set never stopped', async () => {
    const { file, dbPath, dir } = sweepFile('kernels');
    const reference = uninterrupted(file, dir, { ABLATE_KERNELS: 'reference' });
    const sweep = await startAndHoldMidRun(file, dbPath, { ABLATE_KERNELS: 'wasm' });
    sweep.child.kill('SIGKILL');
    await sweep.done;
    const held = (await heldEpochs(dbPath)) as Array<{ run_id: string; seconds: number }>;
    // Its finished run was trained on wasm: rerun on the reference kernels, it is kept as it is.
    const resumed = await runCli(['sweep', file, '--db', dbPath], { ABLATE_KERNELS: 'reference' });
    expect(resumed.code, resumed.stderr).toBe(0);
    const rows = await withDb(dbPath, (db) =>
      db.all<{ seconds: number }>('SELECT seconds FROM epochs WHERE run_id = ? ORDER BY epoch', [
        held[0].run_id,
      ]),
    );
    expect(rows).toHaveLength(EPOCHS);
    expect(rows[0].seconds).not.toBe(held[0].seconds);
    const kernels = await withDb(dbPath, (db) =>
      db.all<{ kernels: string }>('SELECT kernels FROM runs WHERE id = ?', [held[0].run_id]),
    );
    expect(kernels[0].kernels).toMatch(/^reference/);
    const [referenceEpochs] = await reference;
    const [epochs] = await results(dbPath);
    const own = (rows: unknown[]) =>
      rows.filter((row) => (row as { run_id: string }).run_id === held[0].run_id);
    expect(own(epochs)).toEqual(own(referenceEpochs));
  }, 120_000);
});
