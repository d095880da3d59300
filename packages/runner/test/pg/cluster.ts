// What the PostgreSQL tests share: a sweep, where its processes hold mid-run, and the stored
// results as plain rows to compare bit for bit (helpers/results.ts).
import { hostname } from 'node:os';
import pg from 'pg';
import { tempDir, writeSweep } from '../helpers/cli.ts';

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
