// One copy of the data per machine: the arrays are copied once into SharedArrayBuffers, and
// structured cloning (postMessage, workerData) passes a SharedArrayBuffer by reference, so every
// worker_thread views the same memory instead of receiving a ~190 MB copy of MNIST.

import type { Dataset, PreparedData } from './types.ts';

/** A Dataset whose arrays are handed over as their SharedArrayBuffers (fields as in Dataset). */
export type SharedDataset = Omit<Dataset, 'x' | 'y' | 'labels'> & {
  x: SharedArrayBuffer;
  y: SharedArrayBuffer;
  labels: SharedArrayBuffer;
};

/** PreparedData with every set as a SharedDataset: cheap to post to worker threads. */
export type SharedPreparedData = Omit<PreparedData, 'train' | 'validation' | 'test'> & {
  train: SharedDataset;
  validation: SharedDataset | null;
  test: SharedDataset;
};

/** Where prepared arrays are allocated. */
export interface Allocator {
  floats(length: number): Float32Array;
  ints(length: number): Int32Array;
}

/**
 * Ordinary memory, or SharedArrayBuffers: data prepared straight into shared memory is shared by
 * shareData without a copy, so the process never holds the dataset twice.
 */
export function allocator(shared: boolean): Allocator {
  const bytes = (n: number) => (shared ? new SharedArrayBuffer(4 * n) : new ArrayBuffer(4 * n));
  return { floats: (n) => new Float32Array(bytes(n)), ints: (n) => new Int32Array(bytes(n)) };
}

/** The array's memory as a whole SharedArrayBuffer: its own if it already is one, else a copy. */
function toShared(array: Float32Array | Int32Array): SharedArrayBuffer {
  const { buffer: own } = array;
  if (own instanceof SharedArrayBuffer && array.byteOffset === 0 && array.byteLength === own.byteLength)
    return own;
  const buffer = new SharedArrayBuffer(array.byteLength);
  new Uint8Array(buffer).set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
  return buffer;
}

function shareSet(set: Dataset): SharedDataset {
  return { ...set, x: toShared(set.x), y: toShared(set.y), labels: toShared(set.labels) };
}

function viewSet(set: SharedDataset): Dataset {
  return {
    ...set,
    x: new Float32Array(set.x),
    y: new Float32Array(set.y),
    labels: new Int32Array(set.labels),
  };
}

/** The three sets of prepared data, each mapped through `f`. */
function mapSets<A, B>(data: { train: A; validation: A | null; test: A }, f: (set: A) => B) {
  return { train: f(data.train), validation: data.validation && f(data.validation), test: f(data.test) };
}

/**
 * Copies the arrays into shared memory once (unless prepared there already); the result can be
 * posted to workers without copying.
 */
export function shareData(data: PreparedData): SharedPreparedData {
  return { ...data, ...mapSets(data, shareSet) };
}

/** Views over the shared memory (no copy); writes through them are seen by every thread. */
export function fromShared(shared: SharedPreparedData): PreparedData {
  return { ...shared, ...mapSets(shared, viewSet) };
}
