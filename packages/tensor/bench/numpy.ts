// Runs one of the benchmarks' numpy scripts (numpy + OpenBLAS on one thread, the baseline the
// native kernels are measured against in the same run) and parses the JSON line it prints.
// Returns undefined, after saying why, when python3 or numpy is missing or the script fails.
import { spawnSync } from 'node:child_process';

export function runNumpy<T>(script: string, arg: unknown): T | undefined {
  const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1' };
  // Tuning overrides left in the environment would make OpenBLAS less than its best here.
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const result = spawnSync('python3', [script, JSON.stringify(arg)], { encoding: 'utf8', env });
  if (result.error || result.status !== 0) {
    const why = result.error?.message ?? result.stderr.trim().split('\n').pop();
    console.log(`(numpy baseline skipped: ${why})`);
    return undefined;
  }
  return JSON.parse(result.stdout.trim().split('\n').pop() as string) as T;
}

/** "python3 X.Y.Z, numpy A.B.C, OpenBLAS ..." for the header of a benchmark, or undefined. */
export function numpyVersion(): string | undefined {
  const code =
    'import sys, numpy as np; c = np.show_config(mode="dicts"); ' +
    'print(sys.version.split()[0], np.__version__, c["Build Dependencies"]["blas"].get("version", "?"))';
  const result = spawnSync('python3', ['-c', code], { encoding: 'utf8' });
  if (result.status !== 0) return undefined;
  const [python, numpy, blas] = result.stdout.trim().split(' ');
  return `python ${python}, numpy ${numpy}, OpenBLAS ${blas}`;
}
