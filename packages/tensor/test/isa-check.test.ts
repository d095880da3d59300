// The native matmul of every ISA path, and the momentum step and the sum of squares its
// micro-kernels take, outside Node (native/check/isa_check.c): built for this machine, and built for
// aarch64 and run under qemu's user-mode emulator, so that the NEON micro-kernel, which no machine
// of this project runs natively, is checked too. The compiler flags are the addon's own, read from
// binding.gyp.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { NATIVE_ISAS, loadNativeKernels } from '../src/native/native.ts';

const tensor = fileURLToPath(new URL('..', import.meta.url));
const native = path.join(tensor, 'native');
const gyp = JSON.parse(readFileSync(path.join(tensor, 'binding.gyp'), 'utf8'));
const cflags: string[] = gyp.targets[0].cflags;
const sources = [path.join(native, 'check', 'isa_check.c'), path.join(native, 'matmul.c')];
const dir = mkdtempSync(path.join(os.tmpdir(), 'isa-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const has = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
const cross = has('aarch64-linux-gnu-gcc') && has('qemu-aarch64');

/** Compiles the check with `cc` (extra flags after the addon's), runs it (through `runner`), returns its output. */
function check(cc: string, extra: string[], runner: string[] = []): string {
  const binary = path.join(dir, cc);
  const build = spawnSync(cc, [...cflags, ...extra, '-o', binary, ...sources, '-lm'], { encoding: 'utf8' });
  expect(build.status, build.stderr).toBe(0);
  expect(build.stderr, 'compiler warnings').toBe('');
  const [command, ...args] = [...runner, binary];
  const run = spawnSync(command, args, { encoding: 'utf8' });
  expect(run.status, run.stdout + run.stderr).toBe(0);
  return run.stdout;
}

describe('native matmul outside Node, every ISA path against float64', () => {
  it('agrees on every path this CPU runs', () => {
    const out = check('cc', []);
    const runnable = NATIVE_ISAS.filter((isa) => {
      try {
        return loadNativeKernels(isa) !== undefined;
      } catch {
        return false;
      }
    });
    expect(runnable.length).toBeGreaterThan(0);
    for (const isa of runnable)
      expect(out).toContain(
        `${isa}: 60 cases agree with the float64 reference (with their sums of squares), 60 momentum steps`,
      );
  });

  // Emulated, the check is 20 s of work on an idle core and took 48 s beside other jobs on a shared
  // 2-core machine: a timeout of its own, far past vitest's 30 s default (it waits on no state).
  const EMULATED_TIMEOUT = 300_000;
  it.skipIf(!cross)(
    'agrees on aarch64 (NEON and portable), under qemu-aarch64',
    () => {
      const out = check('aarch64-linux-gnu-gcc', ['-static'], ['qemu-aarch64']);
      expect(out).toContain(
        'neon: 60 cases agree with the float64 reference (with their sums of squares), 60 momentum steps',
      );
      expect(out).toContain(
        'portable: 60 cases agree with the float64 reference (with their sums of squares), 60 momentum steps',
      );
    },
    EMULATED_TIMEOUT,
  );
});
