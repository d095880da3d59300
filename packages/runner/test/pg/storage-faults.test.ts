// A PostgreSQL server that stops taking writes mid-sweep (made read-only, as a standby is, with
// default_transaction_read_only): the sweep says so in one line with its own exit code, what it
// stored is kept, and once the server takes writes again a rerun finishes the sweep with the same
// bits as on SQLite.
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { STORAGE_FAULT_EXIT } from '../../src/cli/exit-codes.ts';
import { redactUrl } from '../../src/db/index.ts';
import { runCli, startCli, tempDir, waitFor } from '../helpers/cli.ts';
import { results } from '../helpers/results.ts';
import { EPOCHS, pgRows, RUNS, sweepFile } from './cluster.ts';
import { startPostgres, type PostgresServer } from './server.ts';

let server: PostgresServer;
const dir = tempDir('pg-faults');
const file = sweepFile(dir);
const referenceDb = path.join(dir, 'reference.db');

beforeAll(async () => {
  server = startPostgres();
  expect((await runCli(['sweep', file, '--db', referenceDb, '--workers', '1'])).code).toBe(0);
}, 120_000);
afterAll(() => server?.stop());

const readOnly = async (on: boolean) => {
  await server.admin(`ALTER SYSTEM SET default_transaction_read_only = ${on ? 'on' : 'off'}`);
  await server.admin('SELECT pg_reload_conf()');
};

it('a server turned read-only mid-sweep: one line, its own exit code, nothing lost, a rerun finishes', async () => {
  const url = await server.database();
  // Held after the first epoch of its second run: one run finished, the next one under way.
  const sweep = startCli(['sweep', file, '--db', url, '--workers', '1', '--lease-seconds', '2'], {
    ABLATE_HOLD_AT: '2:1',
  });
  await waitFor(
    async () =>
      (await pgRows(url, "SELECT 1 FROM runs WHERE status = 'finished'")).length === 1 &&
      (await pgRows(url, "SELECT 1 FROM runs WHERE status = 'running' AND epochs_done = 1")).length === 1,
  );
  const stored = await pgRows(url, 'SELECT * FROM epochs ORDER BY run_id, epoch');
  await readOnly(true);
  try {
    sweep.child.kill('SIGCONT'); // its next epoch's commit meets the read-only server
    const result = await sweep.done;
    expect(result.code, result.stderr).toBe(STORAGE_FAULT_EXIT);
    const lines = result.stderr.trim().split('\n');
    expect(lines.at(-1)).toBe(
      `ablate: results database ${redactUrl(url)}: the server is read-only (25006: a standby, or ` +
        `default_transaction_read_only) after 1 of ${RUNS} runs were stored; point --db at a writable primary and rerun to resume`,
    );
    expect(
      lines.slice(0, -1).every((line) => /^pg: |^\[\d+\/\d+\] /.test(line)),
      result.stderr,
    ).toBe(true);
    // What was stored is there as it was.
    expect(await pgRows(url, 'SELECT * FROM epochs ORDER BY run_id, epoch')).toEqual(stored);
  } finally {
    await readOnly(false);
  }
  // The run in flight was left running under its lease (the server took no mark); it lapses and
  // the rerun trains it again.
  const rerun = await runCli(['sweep', file, '--db', url, '--workers', '1']);
  expect(rerun.code, rerun.stderr).toBe(0);
  const runs = await pgRows(url, "SELECT 1 FROM runs WHERE status = 'finished' AND epochs_done = $1", [
    EPOCHS,
  ]);
  expect(runs).toHaveLength(RUNS);
  const exported = path.join(dir, 'exported.db');
  expect((await runCli(['export', '1', '--db', url, '--to', exported])).code).toBe(0);
  expect(await results(exported)).toEqual(await results(referenceDb));
}, 180_000);
