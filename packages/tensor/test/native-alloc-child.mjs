// Child process of kernels.test.ts: a native matmul whose scratch buffer cannot be allocated. With
// w and v (M, N) allocated, the process's address space is capped (prlimit(1) on itself) at half
// the (M, N) buffer the fused momentum step needs for its partial sums (K spans two blocks) above
// what it uses now; the step must throw an Error that names the buffer and its size, and leave w
// and v as they were. Prints {"message": ..., "unchanged": ...} as JSON.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tsImport } from 'tsx/esm/api';

const { loadNativeKernels } = await tsImport('../src/native/native.ts', import.meta.url);
const kernels = loadNativeKernels();
const [M, K, N] = [4096, 257, 8192];
const [a, b] = [new Float32Array(K * M).fill(1), new Float32Array(K * N).fill(1)];
const [w, v] = [new Float32Array(M * N), new Float32Array(M * N)];
const used = Number(/VmSize:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))[1]) * 1024;
const cap = spawnSync('prlimit', ['--pid', String(process.pid), `--as=${used + 2 * M * N}`]);
if (cap.status !== 0) throw new Error(`prlimit failed: ${cap.stderr}`);
let message = '';
try {
  kernels.matmulAtBMomentum(a, b, M, K, N, w, v, 0.1, 0.9, 1, false);
} catch (error) {
  message = error.message;
}
const unchanged = [w, v].every((x) => x.every((value) => value === 0));
console.log(JSON.stringify({ message, unchanged }));
