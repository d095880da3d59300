// Stopping a sweep never loses or duplicates work: after kill -9 (no chance to clean up) or
// SIGINT (clean stop), the next invocation keeps every finished run as it was and trains the rest.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { count, runCli, startCli, tempDir, waitFor, withDb, writeSweep } from './helpers/cli.ts';

const RUNS = 4;
const EPOCHS = 4;

/** Enough work per run (2000 images, 4 epochs) that a run is reliably caught mid-training. */
function slowSweep(prefix: string) {
  const dir = tempDir(prefix);
  const file = writeSweep(dir, 'slow.yaml', {
    name: 'slow',
    lrs: [0.1, 0.05],
    seeds: 2,
    epochs: EPOCHS,
    subset: 2000,
    hidden: 32,
  });
  return { file, dbPath: path.join(dir, 'results.db') };
}

/** Starts the sweep on one worker and returns once one run is finished and the next is mid-way. */
async function startAndCatchMidRun(file: string, dbPath: string) {
  const sweep = startCli(['sweep', file, '--db', dbPath, '--workers', '1']);
  const runsWhere = (condition: string) => count(dbPath, `SELECT * FROM runs WHERE ${condition}`);
  try {
    await waitFor(
      async () =>
        (await runsWhere("status = 'finished'")) >= 1 &&
        (await runsWhere(`status = 'running' AND epochs_done BETWEEN 1 AND ${EPOCHS - 1}`)) >= 1,
      90_000,
    );
  } catch {
    sweep.child.kill('SIGKILL');
    throw new Error(`never saw a finished run next to one in flight; output: ${(await sweep.done).stdout}`);
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

describe('resuming a stopped sweep', () => {
  it('after kill -9: abandoned runs are retrained from scratch, finished ones kept', async () => {
    const { file, dbPath } = slowSweep('kill');
    const sweep = await startAndCatchMidRun(file, dbPath);
    sweep.child.kill('SIGKILL');
    expect((await sweep.done).signal).toBe('SIGKILL');
    const kept = await finishedEpochs(dbPath);
    expect(kept.length).toBeGreaterThanOrEqual(EPOCHS);
    expect(await count(dbPath, "SELECT * FROM runs WHERE status = 'running'")).toBeGreaterThanOrEqual(1);

    // The dead process's lease on the database is stale: the next sweep takes it over.
    const resumed = await runCli(['sweep', file, '--db', dbPath, '--workers', '2']);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toMatch(/1 left running by a dead process recovered/); // progress, on stderr
    await expectCompleteAndUnduplicated(dbPath, kept);
  });

  it('after SIGINT: runs in flight are marked interrupted, exit code 130, then resumed', async () => {
    const { file, dbPath } = slowSweep('sigint');
    const sweep = await startAndCatchMidRun(file, dbPath);
    sweep.child.kill('SIGINT');
    const stopped = await sweep.done;
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toContain('SIGINT');
    expect(await count(dbPath, "SELECT * FROM runs WHERE status = 'running'")).toBe(0);
    expect(await count(dbPath, "SELECT * FROM runs WHERE status = 'interrupted'")).toBe(1);
    const kept = await finishedEpochs(dbPath);

    const resumed = await runCli(['sweep', file, '--db', dbPath, '--workers', '2']);
    expect(resumed.code).toBe(0);
    await expectCompleteAndUnduplicated(dbPath, kept);
  });

  it('while a sweep is writing a database, a second sweep on it is refused', async () => {
    const dir = tempDir('busy');
    // Long enough (many epochs) that the first sweep is surely still running when the second asks.
    const file = writeSweep(dir, 'long.yaml', {
      name: 'long',
      lrs: [0.1],
      seeds: 1,
      epochs: 100,
      subset: 5000,
      hidden: 128,
    });
    const dbPath = path.join(dir, 'results.db');
    const first = startCli(['sweep', file, '--db', dbPath, '--workers', '1']);
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
  }, 90_000);
});
