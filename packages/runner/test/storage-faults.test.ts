// A results database whose storage stops taking writes: a disk that fills mid-sweep (made full at a
// known size by ABLATE_SQLITE_MAX_PAGES, no root or special filesystem), and a read-only file. The
// sweep says so in one line with its own exit code, has reported as finished only runs whose test
// results and weights are stored, leaves the file intact, and a rerun with space finishes the sweep
// with the same bits as a sweep never interrupted.
import { spawn } from 'node:child_process';
import { chmodSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openReader } from '../src/db/index.ts';
import { STORAGE_FAULT_EXIT } from '../src/cli/exit-codes.ts';
import { runCli, tempDir, withDb, writeSweep } from './helpers/cli.ts';
import { results } from './helpers/results.ts';

const RUNS = 12;
const dir = tempDir('faults');
// 3 learning rates x 4 seeds, trained on one thread: the same writes in the same order every time.
const file = writeSweep(dir, 'faults.yaml', { name: 'faults', lrs: [0.1, 0.05, 0.02], seeds: 4 });
const sweep = (db: string) => ['sweep', file, '--db', db, '--workers', '1'];
const referenceDb = path.join(dir, 'reference.db');

let referencePages = 0;

beforeAll(async () => {
  const reference = await runCli(sweep(referenceDb));
  expect(reference.code, reference.stderr).toBe(0);
  referencePages = await withDb(
    referenceDb,
    async (db) => (await db.get<{ page_count: number }>('PRAGMA page_count'))!.page_count,
  );
}, 120_000);

/** What the database holds of each run: its status, and whether its test results and weights are there. */
function storedRuns(db: string) {
  return withDb(db, (conn) =>
    conn.all<{ label: string; status: string; tested: number; weighed: number }>(
      `SELECT label, status, EXISTS (SELECT 1 FROM test_results t WHERE t.run_id = r.id) AS tested,
              EXISTS (SELECT 1 FROM weights w WHERE w.run_id = r.id) AS weighed
         FROM runs r ORDER BY label`,
    ),
  );
}

async function integrity(db: string): Promise<string> {
  return withDb(
    db,
    async (conn) => (await conn.get<{ integrity_check: string }>('PRAGMA integrity_check'))!.integrity_check,
  );
}

describe('a full disk mid-sweep', () => {
  it('is one line with its own exit code; nothing reported unstored; a rerun equals an uninterrupted sweep', async () => {
    const db = path.join(dir, 'full.db');
    // Room for about half the sweep's results.
    const full = await runCli(sweep(db), {
      ABLATE_SQLITE_MAX_PAGES: String(Math.round(referencePages * 0.5)),
    });
    expect(full.code, full.stderr).toBe(STORAGE_FAULT_EXIT);
    expect(full.stdout).toBe('');
    const fault = new RegExp(
      `^ablate: results database ${db}: the disk is full \\(SQLITE_FULL\\) after (\\d+) of ${RUNS} runs were stored; free space and rerun to resume$`,
    );
    const lines = full.stderr.trim().split('\n');
    // Progress lines, then the one line of the fault: no stack trace.
    expect(lines.at(-1)).toMatch(fault);
    expect(
      lines.slice(0, -1).every((line) => /^faults: |^\[\d+\/12\] /.test(line)),
      full.stderr,
    ).toBe(true);
    const stored = Number(fault.exec(lines.at(-1)!)![1]);
    expect(stored).toBeGreaterThan(0);
    expect(stored).toBeLessThan(RUNS);

    // Every run the progress called finished has its test results and weights; no other run is finished.
    const printed = lines.flatMap((line) => /^\[\d+\/12\] (.*): finished /.exec(line)?.[1] ?? []);
    const runs = await storedRuns(db);
    const finished = runs.filter((run) => run.status === 'finished');
    expect(finished.map((run) => run.label).sort()).toEqual(printed.sort());
    expect(finished).toHaveLength(stored);
    for (const run of finished) expect(run).toMatchObject({ tested: 1, weighed: 1 });
    expect(runs.filter((run) => run.status !== 'finished' && (run.tested || run.weighed))).toEqual([]);
    expect(await integrity(db)).toBe('ok');
    // Reading needs no space: the dashboard's reader still shows the sweep.
    const reader = await openReader(db);
    try {
      expect((await reader.sweepRuns(1)).filter((run) => run.status === 'finished')).toHaveLength(stored);
    } finally {
      await reader.close();
    }

    const rerun = await runCli(sweep(db));
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stderr).toMatch(new RegExp(`${stored} already done`));
    expect(await integrity(db)).toBe('ok');
    expect(await results(db)).toEqual(await results(referenceDb));
  }, 120_000);
});

describe('a database another program holds a lock on', () => {
  it('is one line naming the lock, once SQLite has waited for it, and nothing is written', async () => {
    const folder = tempDir('locked');
    const db = path.join(folder, 'results.db');
    const small = writeSweep(folder, 'small.yaml', { name: 'small', lrs: [0.1], seeds: 1 });
    expect((await runCli(['sweep', small, '--db', db])).code).toBe(0);
    const before = await results(db);
    // Another program (Python's sqlite3 here) in an exclusive transaction until it is killed.
    const holder = spawn(
      'python3',
      [
        '-c',
        'import sqlite3, sys, time\nc = sqlite3.connect(sys.argv[1], isolation_level=None)\nc.execute("BEGIN EXCLUSIVE")\nprint("locked", flush=True)\ntime.sleep(600)',
        db,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      await new Promise((resolve) => holder.stdout.once('data', resolve));
      const more = writeSweep(folder, 'more.yaml', { name: 'more', lrs: [0.05], seeds: 2 });
      const result = await runCli(['sweep', more, '--db', db]);
      expect(result.code, result.stderr).toBe(STORAGE_FAULT_EXIT);
      expect(result.stderr.trim()).toBe(
        `ablate: results database ${db}: another program holds a lock on the database (SQLITE_BUSY) after 0 of 2 runs were stored; close that program and rerun to resume`,
      );
    } finally {
      holder.kill('SIGKILL');
    }
    expect(await results(db)).toEqual(before);
  }, 120_000);
});

describe('a read-only database file', () => {
  it('is one line with its own exit code, and the file is left as it was', async () => {
    const folder = tempDir('read-only');
    const db = path.join(folder, 'results.db');
    const small = writeSweep(folder, 'small.yaml', { name: 'small', lrs: [0.1], seeds: 1 });
    expect((await runCli(['sweep', small, '--db', db])).code).toBe(0);
    const before = await results(db);
    chmodSync(db, 0o444);
    // Root writes whatever the mode says: as root, the sweep runs as nobody (the folder open to it,
    // for its lease, and a cache of its own).
    chmodSync(folder, 0o777);
    const cache = tempDir('read-only-cache');
    chmodSync(cache, 0o777);
    const user = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const more = writeSweep(folder, 'more.yaml', { name: 'more', lrs: [0.05], seeds: 2 });
    const result = await runCli(['sweep', more, '--db', db], { ABLATE_CACHE_DIR: cache }, user);
    expect(result.code, result.stderr).toBe(STORAGE_FAULT_EXIT);
    expect(result.stderr.trim()).toMatch(
      new RegExp(
        `^ablate: results database ${db}: the database file or its folder is read-only \\(SQLITE_READONLY\\) after 0 of 2 runs were stored; make both writable for this user and rerun to resume$`,
      ),
    );
    expect(await results(db)).toEqual(before);
    expect(await integrity(db)).toBe('ok');
  }, 120_000);
});
