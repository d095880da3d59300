// A worker for the memory bench: gets MNIST either as shared memory from the main thread or by
// loading its own copy, then reads all of it: a sum over every array and two shuffled epochs of
// mini-batches, as a training worker would.
import { parentPort, workerData } from 'node:worker_threads';
import { Rng } from '@ablate/tensor';
import { Batcher, fromShared, prepareData, type SharedPreparedData } from '../src/index.ts';
import { MNIST_SPEC } from './spec.ts';

const { shared, seed } = workerData as { shared: SharedPreparedData | null; seed: number };
const data = shared ? fromShared(shared) : prepareData(MNIST_SPEC, new Rng(seed));

let sum = 0;
for (const set of [data.train, data.test]) for (const v of set.x) sum += v;
const batcher = new Batcher(data.train, 128, { random: new Rng(seed) });
for (let epoch = 0; epoch < 2; epoch++) for (const batch of batcher.epoch()) sum += batch.x[0] + batch.y[0];
parentPort!.postMessage(sum);
