// The results commands keep the contract every command shares (2 = bad input: one line naming the
// argument and what to do, nothing written), and `ls --json` and `show --json` print one document
// that says what the database holds.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../src/db/database.ts';
import { RUN_STATUSES } from '../src/db/records.ts';
import { openForWriting, SCHEMA_VERSION } from '../src/db/tables.ts';
import { runCli, tempDir, withDb, writeSweep, type CliResult } from './helpers/cli.ts';

/** Each results command on a run or sweep, with its --db pointing where nothing was recorded. */
const ON_MISSING_DB: Array<[string, (db: string, dir: string) => string[]]> = [
  ['ls', (db) => ['ls', '--db', db]],
  ['show', (db) => ['show', 'abcd1234', '--db', db]],
  ['rm', (db) => ['rm', '1', '--yes', '--db', db]],
  ['tag', (db) => ['tag', 'abcd1234', 'good', '--db', db]],
  ['untag', (db) => ['untag', 'abcd1234', 'good', '--db', db]],
  ['note', (db) => ['note', 'abcd1234', 'looks', 'fine', '--db', db]],
  ['export', (db, dir) => ['export', '1', '--to', path.join(dir, 'copy.db'), '--db', db]],
];

function expectOneLine(result: CliResult, pattern: RegExp): void {
  expect(result.stderr).toMatch(pattern);
  expect(result.stderr.trim().split('\n')).toHaveLength(1);
  expect(result.stdout).toBe('');
  expect(result.code).toBe(2);
}

describe('results commands on a database that is not there', () => {
  it.each(ON_MISSING_DB)('%s: one line naming --db, exit 2, no file created', async (name, args) => {
    const dir = tempDir(`contract-${name}`);
    // A mistyped file name, and a mistyped folder: neither is created.
    for (const db of [path.join(dir, 'typo.db'), path.join(dir, 'typo', 'results.db')]) {
      const result = await runCli(args(db, dir));
      expectOneLine(
        result,
        new RegExp(
          `^ablate: ${name}: no results yet at --db ${db}: check the path, or run ablate sweep FILE`,
        ),
      );
      expect(readdirSync(dir)).toEqual([]);
    }
  });
});

describe('results commands on a file that is not an Ablate database', () => {
  const dir = tempDir('contract-foreign');

  it('ls refuses a file that is not SQLite, and leaves it as it was', async () => {
    const file = path.join(dir, 'notes.txt');
    writeFileSync(file, 'not a database\n'.repeat(100));
    expectOneLine(await runCli(['ls', '--db', file]), /^ablate: ls: --db .*notes\.txt: .*not .*database/);
    expect(readFileSync(file, 'utf8')).toBe('not a database\n'.repeat(100));
    expect(readdirSync(dir)).toEqual(['notes.txt']);
  });

  it("tag refuses another program's SQLite database and adds no table to it", async () => {
    const file = path.join(dir, 'other.db');
    const db = await Database.open(file);
    await db.exec('CREATE TABLE songs (title TEXT)');
    await db.close();
    expectOneLine(
      await runCli(['tag', 'abcd1234', 'good', '--db', file]),
      /^ablate: tag: --db .*other\.db: not an Ablate results database/,
    );
    const check = await Database.open(file, { readonly: true });
    const tables = await check.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'");
    await check.close();
    expect(tables.map((table) => table.name)).toEqual(['songs']);
  });

  it('show refuses a database of a newer schema', async () => {
    const file = path.join(dir, 'newer.db');
    const db = await Database.open(file);
    await db.exec(`CREATE TABLE sweeps (id INTEGER); PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
    await db.close();
    expectOneLine(
      await runCli(['show', 'abcd1234', '--db', file]),
      /^ablate: show: --db .*newer\.db: .*newer than this Ablate understands/,
    );
  });
});

describe('ls --json and show --json', () => {
  const dir = tempDir('contract-json');
  const dbPath = path.join(dir, 'results.db');
  const sweepFile = writeSweep(dir, 'tiny.yaml', { seeds: 1, epochs: 1, subset: 200 });
  let runId: string;

  beforeAll(async () => {
    expect((await runCli(['sweep', sweepFile, '--db', dbPath])).code).toBe(0);
    runId = (await withDb(dbPath, (db) =>
      db.get<{ id: string }>("SELECT id FROM runs WHERE status = 'finished'"),
    ))!.id;
    expect((await runCli(['tag', runId.slice(0, 6), 'keep', 'baseline', '--db', dbPath])).code).toBe(0);
    expect((await runCli(['note', runId, 'the', 'reference', 'run', '--db', dbPath])).code).toBe(0);
  });

  it('ls --json: every sweep with its runs counted by status and its best run', async () => {
    const result = await runCli(['ls', '--json', '--db', dbPath]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const { sweeps } = JSON.parse(result.stdout) as {
      sweeps: Array<{
        id: number;
        name: string;
        runCount: number;
        statusCounts: Record<string, number>;
        winner: { winner: unknown; reason: string | null; untested: Array<{ key: string }> };
        best: unknown;
      }>;
    };
    const [stored, counts, best] = await withDb(dbPath, (db) =>
      Promise.all([
        db.all<{ id: number; name: string }>('SELECT id, name FROM sweeps ORDER BY id DESC'),
        db.all<{ status: string; n: number }>('SELECT status, count(*) AS n FROM runs GROUP BY status'),
        db.get<{ run_id: string; metric: string; value: number }>('SELECT * FROM ranked_runs WHERE rank = 1'),
      ]),
    );
    expect(sweeps.map(({ id, name }) => ({ id, name }))).toEqual(stored);
    expect(sweeps[0].runCount).toBe(2);
    expect(sweeps[0].statusCounts).toEqual(
      Object.fromEntries(
        RUN_STATUSES.map((status) => [status, counts.find((c) => c.status === status)?.n ?? 0]),
      ),
    );
    expect(sweeps[0].best).toMatchObject({ runId: best!.run_id, metric: best!.metric, value: best!.value });
    // One seed per group: the best run stays, but no group is named the winner.
    expect(sweeps[0].winner).toMatchObject({
      winner: null,
      reason: 'one seed per group: no comparison is possible (run more seeds)',
    });
    expect(sweeps[0].winner.untested).toHaveLength(1);
    const text = await runCli(['ls', '--db', dbPath]);
    expect(text.stdout).toContain('- (one seed per group: no comparison is possible (run more seeds))');
  });

  it('ls --json on a database without sweeps: an empty list; on an empty file: no results yet', async () => {
    const none = path.join(dir, 'none.db');
    await (await openForWriting(none)).close();
    expect(await runCli(['ls', '--json', '--db', none])).toMatchObject({
      code: 0,
      stdout: '{"sweeps":[]}\n',
    });
    const empty = path.join(dir, 'empty.db');
    writeFileSync(empty, '');
    expectOneLine(
      await runCli(['ls', '--json', '--db', empty]),
      /^ablate: ls: no results yet at --db .*empty\.db/,
    );
    expect(readFileSync(empty, 'utf8')).toBe('');
  });

  it('show --json: the run, its results, test results, sweeps, tags, notes and config', async () => {
    const result = await runCli(['show', runId.slice(0, 8), '--json', '--db', dbPath]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const shown = JSON.parse(result.stdout) as Record<string, Record<string, unknown>>;
    const [run, results, test, sweeps] = await withDb(dbPath, (db) =>
      Promise.all([
        db.get<Record<string, unknown>>('SELECT * FROM runs WHERE id = ?', [runId]),
        db.get<Record<string, unknown>>('SELECT * FROM run_results WHERE run_id = ?', [runId]),
        db.get<Record<string, unknown>>('SELECT * FROM test_results WHERE run_id = ?', [runId]),
        db.all<{ id: number; name: string; params_json: string }>(
          'SELECT s.id, s.name, sr.params_json FROM sweeps s JOIN sweep_runs sr ON sr.sweep_id = s.id WHERE sr.run_id = ?',
          [runId],
        ),
      ]),
    );
    expect(shown.run).toMatchObject({
      id: runId,
      status: 'finished',
      label: run!.label,
      seed: run!.seed,
      epochs_done: run!.epochs_done,
      kernels: run!.kernels,
    });
    expect(shown.config).toEqual(JSON.parse(run!.config_json as string));
    expect(shown.results).toMatchObject({
      final_val_acc: results!.final_val_acc,
      test_acc: results!.test_acc,
      best_epoch: results!.best_epoch,
    });
    expect(shown.test).toMatchObject({
      accuracy: test!.accuracy,
      confusion: JSON.parse(test!.confusion_json as string),
    });
    expect(shown.sweeps).toEqual(
      sweeps.map((s) => ({
        id: s.id,
        name: s.name,
        params: JSON.parse(s.params_json),
        standing: 'one seed',
        winner: null,
      })),
    );
    expect(shown.tags).toEqual(['baseline', 'keep']);
    expect(shown.notes).toEqual([{ text: 'the reference run', createdAt: expect.any(String) }]);
  });
});
