// Runs one of the benchmarks' numpy scripts (numpy + OpenBLAS on one thread, the baseline the
// native kernels are measured against in the same run) and parses the JSON line it prints.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

interface Python {
  executable: string;
  /** "python X.Y.Z, numpy A.B.C, OpenBLAS ..." for the header of a benchmark. */
  version: string;
}

const VERSION =
  'import sys, numpy as np; c = np.show_config(mode="dicts"); ' +
  'print(sys.version.split()[0], np.__version__, c["Build Dependencies"]["blas"].get("version", "?"))';

/**
 * The first python3 on PATH that has numpy (or ABLATE_PYTHON): nx puts node's directory, often
 * /usr/bin with a system python3 without numpy, ahead of the user's own PATH.
 */
function findPython(): Python | undefined {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  const candidates = [process.env.ABLATE_PYTHON, ...dirs.map((dir) => path.join(dir, 'python3'))];
  const tried = new Set<string>();
  for (const executable of candidates) {
    if (!executable || tried.has(executable) || !existsSync(executable)) continue;
    tried.add(executable);
    const result = spawnSync(executable, ['-c', VERSION], { encoding: 'utf8' });
    if (result.status !== 0) continue;
    const [python, numpy, blas] = result.stdout.trim().split(' ');
    return { executable, version: `python ${python}, numpy ${numpy}, OpenBLAS ${blas}` };
  }
  console.log('(numpy baseline skipped: no python3 with numpy on PATH; ABLATE_PYTHON may name one)');
  return undefined;
}

let python: Python | undefined | null = null;

/** The numpy baseline's version line, or undefined (after saying why) when there is none. */
export function numpyVersion(): string | undefined {
  if (python === null) python = findPython();
  return python?.version;
}

/** Runs script with arg as JSON; undefined (after saying why) without numpy or when it fails. */
export function runNumpy<T>(script: string, arg: unknown): T | undefined {
  if (!numpyVersion() || !python) return undefined;
  const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1' };
  // Tuning overrides left in the environment would make OpenBLAS less than its best here.
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const result = spawnSync(python.executable, [script, JSON.stringify(arg)], { encoding: 'utf8', env });
  if (result.error || result.status !== 0) {
    const why = result.error?.message ?? result.stderr.trim().split('\n').pop();
    console.log(`(numpy baseline skipped: ${why})`);
    return undefined;
  }
  return JSON.parse(result.stdout.trim().split('\n').pop() as string) as T;
}
