// Matmul benchmark (not a test): GFLOP/s of the native, wasm and reference kernels and of numpy +
// OpenBLAS on one thread (numpy_matmul.py, when python3 and numpy are present, just before and
// just after native on each case), and native's ratio to numpy. Run with `npx nx run tensor:bench` (add `--json FILE` to
// save the figures, `--plain` to time the plain-SIMD wasm build instead of the relaxed-SIMD one).
// Each timing is the median of several repeats after a warm-up, which also lets V8 tier the wasm
// up from its baseline compiler.
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Kernels } from '../src/kernels/kernels.ts';
import { referenceKernels } from '../src/kernels/reference.ts';
import { loadNativeKernels } from '../src/native/native.ts';
import { Rng } from '../src/rng.ts';
import { loadWasmKernels } from '../src/wasm/wasm.ts';
import { numpyVersion, runNumpy } from './numpy.ts';

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
const native = loadNativeKernels();
const wasm = loadWasmKernels(values.plain ? { relaxed: false } : {});
const cpu = os.cpus()[0]?.model ?? 'unknown cpu';
// The load average says how shared the machine was: figures from a busy one are low.
const load = os.loadavg()[0].toFixed(1);
const numpy = numpyVersion();
console.log(
  `${native.name}, ${wasm.name}, node ${process.version}, ${numpy ?? 'no numpy'}, ${cpu}, load average ${load}`,
);
const script = fileURLToPath(new URL('numpy_matmul.py', import.meta.url));
const numpyRate = (c: Case) => (numpy ? runNumpy<number[]>(script, [c])?.[0] : undefined);
console.log('GFLOP/s, one thread          native      wasm     numpy  reference   native/numpy');
const results = [];
for (const c of CASES) {
  // numpy just before and just after native, at the mean of the two times: the machine's speed
  // drifts over minutes (a VM's neighbours), and one run on each side evens out a drift between.
  const before = numpyRate(c);
  const nativeRate = gflops(native, c);
  const after = numpyRate(c);
  const numpyMean = before && after ? 2 / (1 / before + 1 / after) : undefined;
  const rates = [nativeRate, gflops(wasm, c), gflops(referenceKernels, c)];
  const ratio = numpyMean ? rates[0] / numpyMean : undefined;
  const cell = (x: number | undefined, width: number, digits = 1) =>
    (x?.toFixed(digits) ?? '-').padStart(width);
  console.log(
    `${c.form} ${c.M}x${c.K}x${c.N}`.padEnd(26) +
      cell(rates[0], 10) +
      cell(rates[1], 10) +
      cell(numpyMean, 10) +
      cell(rates[2], 11, 2) +
      cell(ratio, 15, 2),
  );
  results.push({
    ...c,
    nativeGflops: rates[0],
    wasmGflops: rates[1],
    numpyGflops: numpyMean,
    numpyGflopsBeforeAfter: [before, after],
    referenceGflops: rates[2],
  });
}
if (values.json) {
  const report = {
    kernels: [native.name, wasm.name],
    node: process.version,
    numpy,
    cpu,
    loadAverage: Number(load),
    cases: results,
  };
  writeFileSync(values.json, JSON.stringify(report, null, 2) + '\n');
  console.log(`wrote ${values.json}`);
}
