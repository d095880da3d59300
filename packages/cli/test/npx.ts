// `npx ablate` as a user types it in a shell, for the tests of the bin.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { waitFor } from '../../runner/test/helpers/cli.ts';

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

/** A process group's processes with their command lines, as `ps` shows them to every user. */
export function processes(group: number): { pid: number; commandLine: string }[] {
  const found: { pid: number; commandLine: string }[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // After "pid (comm)": state, ppid, pgrp.
      const pgrp = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
      const commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (pgrp === group) found.push({ pid: Number(pid), commandLine });
    } catch {
      // a process that ended meanwhile
    }
  }
  return found;
}

/** The node process running the `ablate` bin (npx's child), of a command's process group. */
export function ablateProcess(group: number): number {
  const found = processes(group).find((p) => /^node \S+\/\.bin\/ablate /.test(p.commandLine));
  if (!found) throw new Error(`no ablate process in group ${group}`);
  return found.pid;
}

/**
 * A started `ablate serve --port 0 ...`, once it prints where it listens. Its stop() sends SIGINT
 * to the bin alone, so that npx ends with the command's exit code rather than of the signal.
 */
export async function served(started: Started): Promise<Started & { url: string }> {
  let ended = false;
  void started.done.then(() => (ended = true));
  await waitFor(async () => ended || /Ablate dashboard: /.test(started.stdout()));
  const url = /Ablate dashboard: (\S+)/.exec(started.stdout())?.[1];
  if (!url) throw new Error(`serve did not start: ${JSON.stringify(await started.done)}`);
  return { ...started, url, stop: () => process.kill(ablateProcess(started.group), 'SIGINT') };
}
