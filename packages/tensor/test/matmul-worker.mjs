// Worker for kernels.test.ts: runs the wasm matmul in a worker thread and posts the results back,
// to show the module loads and computes the same bits there. tsx compiles the TypeScript sources.
import { parentPort, workerData } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';

const { loadWasmKernels } = await tsImport('../src/wasm/wasm.ts', import.meta.url);
const { M, K, N, a, b } = workerData;
const results = {};
for (const relaxed of workerData.variants) {
  const out = new Float32Array(M * N);
  const kernels = loadWasmKernels({ relaxed });
  kernels.matmulAB(out, a, b, M, K, N);
  results[kernels.name] = out;
}
parentPort.postMessage(results);
