// Matmul benchmark (not a test): GFLOP/s of the fast path and of the reference, measured in the
// same run, and their ratio. Run with `npx nx run tensor:bench` (add `--json FILE` to save the
// figures, `--plain` to time the plain-SIMD build instead of the relaxed-SIMD one). Each timing
// is the median of several repeats after a warm-up, which also lets V8 tier the wasm up from its
// baseline compiler.
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import type { Kernels } from '../src/kernels/kernels.ts';
import { referenceKernels } from '../src/kernels/reference.ts';
import { Rng } from '../src/rng.ts';
import { fastKernels, loadWasmKernels } from '../src/wasm/wasm.ts';

type Form = 'matmulAB' | 'matmulAtB' | 'matmulABt';

interface Case {
  form: Form;
  M: number;
  K: number;
  N: number;
}

const CASES: Case[] = [
  { form: 'matmulAB', M: 128, K: 784, N: 128 },
  { form: 'matmulAtB', M: 128, K: 784, N: 128 },
  { form: 'matmulABt', M: 128, K: 784, N: 128 },
  { form: 'matmulAB', M: 16, K: 784, N: 128 },
  { form: 'matmulAB', M: 128, K: 128, N: 64 },
  { form: 'matmulAB', M: 1024, K: 1024, N: 1024 },
];

const REPEAT_SECONDS = 0.1; // one repeat runs the kernel this long, so timer resolution is moot
const REPEATS = 7;
const SLOW_CALL_SECONDS = 0.5; // past this a single call is its own repeat, and there are 3

function median(xs: number[]): number {
  const s = xs.slice().sort((x, y) => x - y);
  return s[s.length >> 1];
}

function seconds(fn: () => void, calls: number): number {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

/** Median seconds per call of fn. */
function timeCall(fn: () => void): number {
  let first = seconds(fn, 1);
  if (first < SLOW_CALL_SECONDS) {
    seconds(fn, Math.ceil(0.2 / first)); // warm-up: ~0.2 s
    first = seconds(fn, 1);
  }
  if (first >= SLOW_CALL_SECONDS) return median([first, seconds(fn, 1), seconds(fn, 1)]);
  const calls = Math.max(1, Math.ceil(REPEAT_SECONDS / first));
  return median(Array.from({ length: REPEATS }, () => seconds(fn, calls) / calls));
}

function gflops(k: Kernels, c: Case): number {
  const { form, M, K, N } = c;
  const rng = new Rng(1);
  const random = (n: number) => Float32Array.from({ length: n }, () => rng.uniform() - 0.5);
  const a = random(M * K);
  const b = random(K * N);
  const out = new Float32Array(M * N);
  return (2 * M * N * K) / timeCall(() => k[form](out, a, b, M, K, N)) / 1e9;
}

const { values } = parseArgs({
  options: { json: { type: 'string' }, plain: { type: 'boolean', default: false } },
});
const fast = values.plain ? loadWasmKernels({ relaxed: false }) : fastKernels();
const cpu = os.cpus()[0]?.model ?? 'unknown cpu';
// The load average says how shared the machine was: figures from a busy one are low.
const load = os.loadavg()[0].toFixed(1);
console.log(`${fast.name} vs reference, node ${process.version}, ${cpu}, load average ${load}`);
console.log('case                      fast GFLOP/s   reference GFLOP/s   ratio');
const results = [];
for (const c of CASES) {
  const fastRate = gflops(fast, c);
  const referenceRate = gflops(referenceKernels, c);
  const ratio = fastRate / referenceRate;
  const label = `${c.form} ${c.M}x${c.K}x${c.N}`;
  console.log(
    label.padEnd(26) +
      fastRate.toFixed(2).padStart(13) +
      referenceRate.toFixed(2).padStart(20) +
      ratio.toFixed(1).padStart(8),
  );
  results.push({ ...c, fastGflops: fastRate, referenceGflops: referenceRate, ratio });
}
if (values.json) {
  const report = {
    kernels: fast.name,
    node: process.version,
    cpu,
    loadAverage: Number(load),
    cases: results,
  };
  writeFileSync(values.json, JSON.stringify(report, null, 2) + '\n');
  console.log(`wrote ${values.json}`);
}
