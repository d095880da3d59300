// Worker for kernels.test.ts: loads the native addon in a worker thread (it is context-aware) and
// posts back the matmul of each ISA path asked for. tsx compiles the TypeScript sources.
import { parentPort, workerData } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';

const { loadNativeKernels } = await tsImport('../src/native/native.ts', import.meta.url);
const { M, K, N, a, b } = workerData;
const results = {};
for (const isa of workerData.isas) {
  const out = new Float32Array(M * N);
  const kernels = loadNativeKernels(isa);
  kernels.matmulAB(out, a, b, M, K, N);
  results[kernels.name] = out;
}
parentPort.postMessage(results);
