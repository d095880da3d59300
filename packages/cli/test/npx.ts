// `npx ablate` as a user types it in a shell, for the tests of the bin.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface Started {
  /** The process group: npx and every process it starts. */
  group: number;
  /** What it printed on stdout so far. */
  stdout(): string;
  done: Promise<Result>;
  /** Ctrl-C in a shell: SIGINT to npx and to ablate itself. */
  stop(): void;
}

export function tempDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'ablate-cli-'));
}

/**
 * Starts `npx ablate <args>` in `cwd`, in a process group of its own, with `env` added to this
 * process's environment (a variable set to undefined is left out).
 */
export function ablate(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Started {
  // Test sweeps keep their epoch timings apart from the user's (see runner/src/cli/timings.ts).
  // INIT_CWD left out, as in a shell: npx starts from the folder it is typed in.
  const child = spawn('npx', ['ablate', ...args], {
    cwd,
    env: { ...process.env, ABLATE_CACHE_DIR: tempDir(), INIT_CWD: undefined, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const group = child.pid as number;
  return {
    group,
    stdout: () => stdout,
    done: new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr }))),
    stop: () => process.kill(-group, 'SIGINT'),
  };
}
