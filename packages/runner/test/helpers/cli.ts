// Runs the real CLI as a child process (under tsx, as `nx run runner:sweep` does) and reads the
// databases it writes, the way a dashboard would: through a second, read-only connection.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Database } from '../../src/db/database.ts';
import { openForReading } from '../../src/db/tables.ts';
import { repoRoot } from './workspace.ts';

// node with tsx's loader rather than the tsx binary: the binary runs node as a child process, so
// a signal sent to it (kill -9 above all) would not reach the process doing the work.
const TSX_LOADER = pathToFileURL(path.join(repoRoot, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const CLI = path.join(repoRoot, 'packages', 'runner', 'src', 'cli.ts');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), `ablate-${prefix}-`));
}

// Sweeps started by tests keep their epoch timings (cli/timings.ts) apart from the user's.
const testCache = tempDir('cache');

/**
 * Starts `ablate <args>` in the repo root, as nx does, with `env` added to this process's
 * environment (and, given `user`, as that user: a test as root); `done` resolves when it exits.
 */
export function startCli(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  user: { uid?: number; gid?: number } = {},
): { child: ChildProcess; done: Promise<CliResult> } {
  const child = spawn(process.execPath, ['--import', TSX_LOADER, CLI, ...args], {
    cwd: repoRoot,
    env: { ...process.env, ABLATE_CACHE_DIR: testCache, ...env, INIT_CWD: repoRoot },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...user,
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => (stdout += chunk));
  child.stderr?.on('data', (chunk) => (stderr += chunk));
  const done = new Promise<CliResult>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done };
}

export function runCli(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  user: { uid?: number; gid?: number } = {},
): Promise<CliResult> {
  return startCli(args, env, user).done;
}

/** A sweep file over the first MNIST images, small enough to train in a second or two. */
export function writeSweep(
  dir: string,
  file: string,
  options: {
    name?: string;
    lrs?: number[];
    seeds?: number;
    epochs?: number;
    subset?: number;
    hidden?: number;
  } = {},
): string {
  const { name = 'tiny', lrs = [0.1, 1e4], seeds = 2, epochs = 2, subset = 400, hidden = 16 } = options;
  const text = `name: ${name}
data:
  source: { kind: mnist }
  subset: { first: ${subset} }
  testSubset: { first: 200 }
  validation: 80
model:
  hidden: [${hidden}]
train:
  epochs: ${epochs}
  batchSize: 32
  schedule: { name: exponential, gamma: 0.9 }
sweep:
  grid:
    train.lr: [${lrs.join(', ')}]
  seeds: ${seeds}
`;
  const filePath = path.join(dir, file);
  writeFileSync(filePath, text);
  return filePath;
}

/** A sweep named "diverging" whose one run diverges (lr 1e4): a sweep with runs, none finished. */
export const writeDivergingSweep = (dir: string): string =>
  writeSweep(dir, 'diverging.yaml', { name: 'diverging', lrs: [1e4], seeds: 1, epochs: 1, subset: 200 });

/**
 * A sweep file over MNIST's first images whose network has every model knob that carries state
 * from one batch or epoch to the next (dropout's stream, batch norm's running statistics); `rest`
 * is its train and sweep sections.
 */
export function knobsSweep(name: string, rest: string): string {
  return `name: ${name}
data:
  source: { kind: mnist }
  subset: { first: 400 }
  testSubset: { first: 200 }
  validation: 80
model:
  hidden: [16, 16]
  dropout: [0.2, 0.1]
  batchNorm: true
${rest}`;
}

/** Calls fn with a read-only connection to the database, closed afterwards. */
export async function withDb<T>(dbPath: string, fn: (db: Database) => Promise<T>): Promise<T> {
  const db = await openForReading(dbPath);
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

/** How many rows `sql` returns. */
export async function count(dbPath: string, sql: string, params: unknown[] = []): Promise<number> {
  return withDb(
    dbPath,
    async (db) => (await db.get<{ n: number }>(`SELECT count(*) AS n FROM (${sql})`, params))?.n ?? 0,
  );
}

/**
 * Polls until check passes; throws after timeoutMs (keep it below the test's own timeout, so the
 * test fails with this message rather than vitest's). A check that throws counts as not passing.
 * Wait only for states that last until the test acts (a run held by ABLATE_HOLD_AT, a sweep's
 * end), never for one the machine passes through in milliseconds.
 */
export async function waitFor(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`condition not met within ${timeoutMs} ms`);
}
