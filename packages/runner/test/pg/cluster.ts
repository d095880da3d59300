// What the PostgreSQL tests share: a sweep slow enough to catch mid-run, and the stored results as plain rows to compare bit for bit (helpers/results.ts).
import { hostname } from 'node:os';
import pg from 'pg';
import { tempDir, writeSweep } from '../helpers/cli.ts';

export const RUNS = 4;
export const EPOCHS = 6;

/** 2 learning rates x 2 seeds, 6 epochs on 3000 images, 128 hidden units: a run is reliably caught mid-training. */
export function slowSweep(dir = tempDir('pg')): string {
  return writeSweep(dir, 'slow.yaml', {
    name: 'slow',
    lrs: [0.1, 0.05],
    seeds: 2,
    epochs: EPOCHS,
    subset: 3000,
    hidden: 128,
  });
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
