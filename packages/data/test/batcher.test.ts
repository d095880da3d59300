import { Rng } from '@ablate/tensor';
import { describe, expect, it } from 'vitest';
import { Batcher, type Dataset } from '../src/index.ts';

/** 10 samples whose x row is (id, -id) and y row (id % 2, 1 - id % 2). */
function numbered(count = 10): Dataset {
  const x = new Float32Array(count * 2);
  const y = new Float32Array(count * 2);
  for (let i = 0; i < count; i++) {
    x.set([i, -i], 2 * i);
    y.set([i % 2, 1 - (i % 2)], 2 * i);
  }
  return {
    x,
    y,
    labels: Int32Array.from({ length: count }, (_, i) => i % 2),
    count,
    features: 2,
    targets: 2,
    classes: 2,
  };
}

/** Each epoch as lists of sample ids, checking that every y row still belongs to its x row. */
function epochs(batcher: Batcher, n: number): number[][][] {
  return Array.from({ length: n }, () =>
    Array.from(batcher.epoch(), ({ x, y, size }) => {
      expect([x.length, y.length]).toEqual([size * 2, size * 2]);
      return Array.from({ length: size }, (_, i) => {
        expect([x[2 * i + 1], y[2 * i]]).toEqual([-x[2 * i], x[2 * i] % 2]);
        return x[2 * i];
      });
    }),
  );
}

describe('Batcher', () => {
  it('without a random source walks the data in order, as views', () => {
    const data = numbered();
    const batcher = new Batcher(data, 4);
    expect(batcher.batchesPerEpoch).toBe(3);
    expect(epochs(batcher, 1)[0]).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ]);
    for (const batch of batcher.epoch()) expect(batch.x.buffer).toBe(data.x.buffer);
  });

  it('keeps the last partial batch by default and drops it on request', () => {
    expect(epochs(new Batcher(numbered(), 4, { dropLast: true }), 1)[0]).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
    ]);
    expect(new Batcher(numbered(), 4, { dropLast: true }).batchesPerEpoch).toBe(2);
    expect(new Batcher(numbered(), 5, { dropLast: true }).batchesPerEpoch).toBe(2);
    expect(new Batcher(numbered(3), 5).batchesPerEpoch).toBe(1);
  });

  it('shuffles every epoch differently, each sample exactly once', () => {
    const [first, second] = epochs(new Batcher(numbered(), 3, { random: new Rng(1) }), 2);
    for (const epoch of [first, second]) {
      expect(epoch.map((b) => b.length)).toEqual([3, 3, 3, 1]);
      expect(epoch.flat().sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    }
    expect(first.flat()).not.toEqual(second.flat());
    expect(first.flat()).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('reproduces the same epochs from the same seed', () => {
    const run = (seed: number) => epochs(new Batcher(numbered(), 4, { random: new Rng(seed) }), 3);
    expect(run(9)).toEqual(run(9));
    expect(run(9)).not.toEqual(run(10));
  });

  it('gathers shuffled batches into buffers reused across batches', () => {
    const data = numbered();
    const buffers = new Set(
      Array.from(new Batcher(data, 4, { random: new Rng(1) }).epoch(), (b) => b.x.buffer),
    );
    expect(buffers.size).toBe(1);
    expect(buffers.has(data.x.buffer)).toBe(false);
  });

  it('keeps wide rows (copied whole) and narrow rows (copied per value) intact when shuffled', () => {
    // 40 features, x[id][j] = id * 100 + j, and 3 target columns, y[id][j] = id * 10 + j.
    const count = 9;
    const data: Dataset = {
      x: Float32Array.from({ length: count * 40 }, (_, k) => Math.floor(k / 40) * 100 + (k % 40)),
      y: Float32Array.from({ length: count * 3 }, (_, k) => Math.floor(k / 3) * 10 + (k % 3)),
      labels: new Int32Array(count),
      count,
      features: 40,
      targets: 3,
      classes: 3,
    };
    const seen: number[] = [];
    for (const { x, y, size } of new Batcher(data, 4, { random: new Rng(5) }).epoch()) {
      for (let i = 0; i < size; i++) {
        const id = x[40 * i] / 100;
        seen.push(id);
        const row = Array.from({ length: 40 }, (_, j) => id * 100 + j);
        expect(Array.from(x.subarray(40 * i, 40 * (i + 1)))).toEqual(row);
        expect(Array.from(y.subarray(3 * i, 3 * (i + 1)))).toEqual([id * 10, id * 10 + 1, id * 10 + 2]);
      }
    }
    expect(seen.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('rejects a batch size that is not a positive integer', () => {
    expect(() => new Batcher(numbered(), 0)).toThrow('batch size 0, expected an integer >= 1');
  });
});
