// Runs a real smoke sweep (8 tiny MNIST runs, 3 epochs) once for the whole suite, into a temp
// directory, and hands its database path to the tests as inject('smokeDb').
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    smokeDb: string;
  }
}

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export default function setup(project: TestProject) {
  const dir = mkdtempSync(path.join(tmpdir(), 'ablate-dashboard-'));
  const db = path.join(dir, 'smoke.db');
  const sweep = spawnSync(
    path.join(repoRoot, 'node_modules/.bin/tsx'),
    ['packages/runner/src/cli.ts', 'sweep', 'experiments/smoke.yaml', '--db', db, '--workers', '2'],
    { cwd: repoRoot, encoding: 'utf8', timeout: 110_000 },
  );
  if (sweep.status !== 0) {
    throw new Error(
      `the smoke sweep failed (exit ${sweep.status ?? sweep.signal}):\n${sweep.stdout}\n${sweep.stderr}`,
    );
  }
  project.provide('smokeDb', db);
  return () => rmSync(dir, { recursive: true, force: true });
}
