// What the PostgreSQL tests share: a sweep, where its processes hold mid-run, and the stored
// results as plain rows to compare bit for bit (helpers/results.ts).
import { hostname } from 'node:os';
import pg from 'pg';
import { expect } from 'vitest';
import { runCli, tempDir, writeSweep } from '../helpers/cli.ts';
import { results } from '../helpers/results.ts';
import type { PostgresServer } from './server.ts';

export const RUNS = 4;
export const EPOCHS = 4;
/** Where a process started with HELD holds its first run (exec/hold.ts): epoch 2 committed, more to come. */
export const HELD_EPOCH = 2;
export const HELD = { ABLATE_HOLD_AT: `1:${HELD_EPOCH}` };

/** 2 learning rates x 2 seeds, 4 epochs each. */
export function sweepFile(dir = tempDir('pg')): string {
  return writeSweep(dir, 'pg.yaml', { name: 'pg', lrs: [0.1, 0.05], seeds: 2, epochs: EPOCHS });
}

/** Rows of one query on a PostgreSQL database. */
export async function pgRows<T = Record<string, unknown>>(
  url: string,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/** runs.claimed_by of a process on this host. */
export const claimant = (pid: number | undefined) => `${hostname()}:${pid}`;

/**
 * A new database on the server holding the sweep of `referenceDb` (a SQLite file) as planned and
 * nothing trained (imported, its runs made pending again): a worker started first is then sure to
 * find work in it.
 */
export async function plannedSweep(server: PostgresServer, referenceDb: string): Promise<string> {
  const url = await server.database();
  const exported = await runCli(['export', '1', '--db', referenceDb, '--to', url]);
  if (exported.code !== 0) throw new Error(`export failed: ${exported.stderr}`);
  for (const table of ['epochs', 'layer_stats', 'test_results', 'weights', 'checkpoints'])
    await pgRows(url, `DELETE FROM ${table}`);
  await pgRows(url, "UPDATE runs SET status = 'pending', attempt = 0, epochs_done = 0, claimed_by = NULL");
  return url;
}

/** Every run of the database finished, once: `epochs` epochs each, no epoch row twice. */
export async function expectEachRunOnce(url: string, runs = RUNS, epochs = EPOCHS): Promise<void> {
  const rows = await pgRows<{ status: string; epochs: number; epochs_done: number }>(
    url,
    'SELECT r.status, r.epochs_done, (SELECT COUNT(*)::int FROM epochs e WHERE e.run_id = r.id) AS epochs FROM runs r',
  );
  expect(rows).toEqual(
    Array.from({ length: runs }, () => ({ status: 'finished', epochs, epochs_done: epochs })),
  );
}

/** Exports the database's sweep to the SQLite file `copy` and checks its results equal `reference`'s bit for bit. */
export async function expectEqualToReference(url: string, copy: string, reference: unknown[]): Promise<void> {
  const exported = await runCli(['export', '1', '--db', url, '--to', copy]);
  expect(exported.stderr).toBe('');
  expect(exported.code).toBe(0);
  expect(await results(copy)).toEqual(reference);
}
