// Stopping a sweep never loses or duplicates work: after kill -9 (no chance to clean up) or
// SIGINT (clean stop), the next invocation keeps every finished run as it was and trains the rest.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { count, runCli, startCli, tempDir, waitFor, withDb, writeSweep } from './helpers/cli.ts';

const RUNS = 4;
const EPOCHS = 4;

function sweepFile(prefix: string) {
  const dir = tempDir(prefix);
  const file = writeSweep(dir, 'held.yaml', { name: 'held', lrs: [0.1, 0.05], seeds: 2, epochs: EPOCHS });
  return { file, dbPath: path.join(dir, 'results.db') };
}

/**
 * Starts the sweep on one thread, held (exec/hold.ts) after epoch 2 of its second run, and returns
 * once the store shows that: one run finished, the next one mid-way. The state lasts until the test
 * signals the process, however fast the machine trains.
 */
async function startAndHoldMidRun(file: string, dbPath: string) {
  const sweep = startCli(['sweep', file, '--db', dbPath, '--workers', '1'], { ABLATE_HOLD_AT: '2:2' });
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

describe('resuming a stopped sweep', { timeout: 90_000 }, () => {
  it('after kill -9: abandoned runs are retrained from scratch, finished ones kept', async () => {
    const { file, dbPath } = sweepFile('kill');
    const sweep = await startAndHoldMidRun(file, dbPath);
    sweep.child.kill('SIGKILL');
    expect((await sweep.done).signal).toBe('SIGKILL');
    const kept = await finishedEpochs(dbPath);
    expect(kept).toHaveLength(EPOCHS);
    expect(await count(dbPath, "SELECT * FROM runs WHERE status = 'running'")).toBe(1);

    // The dead process's lease on the database is stale: the next sweep takes it over.
    const resumed = await runCli(['sweep', file, '--db', dbPath, '--workers', '2']);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toMatch(/1 left running by a dead process recovered/); // progress, on stderr
    await expectCompleteAndUnduplicated(dbPath, kept);
  });

  it('after SIGINT: runs in flight are marked interrupted, exit code 130, then resumed', async () => {
    const { file, dbPath } = sweepFile('sigint');
    const sweep = await startAndHoldMidRun(file, dbPath);
    sweep.child.kill('SIGINT');
    const stopped = await sweep.done;
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toContain('SIGINT');
    expect(await count(dbPath, "SELECT * FROM runs WHERE status = 'running'")).toBe(0);
    expect(await count(dbPath, "SELECT * FROM runs WHERE status = 'interrupted'")).toBe(1);
    const kept = await finishedEpochs(dbPath);
    expect(kept).toHaveLength(EPOCHS);

    const resumed = await runCli(['sweep', file, '--db', dbPath, '--workers', '2']);
    expect(resumed.code).toBe(0);
    await expectCompleteAndUnduplicated(dbPath, kept);
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
