// Starts a worker_thread running a TypeScript module. Node 20 can't strip types itself, so the
// worker first registers tsx's loader (a devDependency of the workspace) and then imports the file.

import { Worker } from 'node:worker_threads';

const tsxApi = import.meta.resolve('tsx/esm/api');

export function startTsWorker(module: URL, workerData: unknown): Worker {
  const boot = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(module.href)}); });`;
  return new Worker(boot, { eval: true, workerData });
}

/** The first message a worker posts, or its error. */
export function firstMessage<T>(worker: Worker): Promise<T> {
  return new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`worker exited with code ${code} before replying`)));
  });
}
