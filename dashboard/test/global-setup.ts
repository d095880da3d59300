// Runs two real sweeps once for the whole suite, side by side, into a temp directory: the smoke
// sweep (8 tiny MNIST runs with a validation set) as inject('smokeDb'), and the same kind of sweep
// without a validation set (val_* NULL everywhere, as experiments/lesson-98.yaml) as
// inject('noValidationDb'); its grid has an object and an array value, to check how params read.
// The smoke sweep is also exported into a throwaway PostgreSQL server (inject('smokePostgres')),
// for the API tests on both engines.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
// The runner's throwaway PostgreSQL server (initdb in a temp folder, a Unix socket, no TCP).
import { startPostgres } from '../../packages/runner/test/pg/server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    smokeDb: string;
    noValidationDb: string;
    /** The smoke sweep exported into a throwaway PostgreSQL server, as a URL. */
    smokePostgres: string;
  }
}

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

const NO_VALIDATION_YAML = `
name: no-validation
data:
  source: { kind: mnist }
  subset: { first: 600 }
  testSubset: { first: 300 }
model:
  hidden: [16]
train:
  epochs: 2
  batchSize: 32
  optimizer: momentum
  lr: 0.05
sweep:
  grid:
    train.init: [he_normal, { name: normal, std: 0.1 }]
    model.hidden: [[16], [8, 8]]
  seeds: 2
`;

/** Runs the runner's CLI; rejects with its output when it fails. */
export function ablate(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      path.join(repoRoot, 'node_modules/.bin/tsx'),
      ['packages/runner/src/cli.ts', ...args],
      {
        cwd: repoRoot,
        timeout: 110_000,
      },
    );
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) =>
      code === 0
        ? resolve()
        : reject(new Error(`ablate ${args.join(' ')} failed (exit ${code ?? signal}):\n${output}`)),
    );
  });
}

const sweep = (yaml: string, db: string) => ablate(['sweep', yaml, '--db', db, '--workers', '2']);

export default async function setup(project: TestProject) {
  const dir = mkdtempSync(path.join(tmpdir(), 'ablate-dashboard-'));
  const smokeDb = path.join(dir, 'smoke.db');
  const noValidationDb = path.join(dir, 'no-validation.db');
  const noValidationYaml = path.join(dir, 'no-validation.yaml');
  writeFileSync(noValidationYaml, NO_VALIDATION_YAML);
  const postgres = startPostgres();
  const cleanUp = () => {
    postgres.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  let smokePostgres: string;
  try {
    await Promise.all([sweep('experiments/smoke.yaml', smokeDb), sweep(noValidationYaml, noValidationDb)]);
    // The same sweep on the other engine: the API must not tell them apart.
    smokePostgres = await postgres.database();
    await ablate(['export', '1', '--db', smokeDb, '--to', smokePostgres]);
  } catch (error) {
    cleanUp();
    throw error;
  }
  project.provide('smokeDb', smokeDb);
  project.provide('noValidationDb', noValidationDb);
  project.provide('smokePostgres', smokePostgres);
  return cleanUp;
}
