import { Rng } from '@ablate/tensor';
import { describe, expect, it } from 'vitest';
import { firstMessage, startTsWorker } from '../bench/ts-worker.ts';
import { fromShared, prepareData, shareData } from '../src/index.ts';

const prepared = () =>
  prepareData(
    { source: { kind: 'spirals', points: 50, classes: 3 }, scale: 'zscore', validation: 0.2 },
    new Rng(4),
  );

describe('shareData / fromShared', () => {
  it('round-trips every array and field, backed by shared memory', () => {
    const data = prepared();
    const shared = shareData(data);
    expect(shared.train.x).toBeInstanceOf(SharedArrayBuffer);
    const back = fromShared(shared);
    expect(back).toEqual(data);
    expect(back.validation!.y.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(fromShared(shared).train.x.buffer).toBe(back.train.x.buffer); // views, not copies
  });

  it('keeps a missing validation set missing', () => {
    const data = prepareData({ source: { kind: 'xor' } }, new Rng(1));
    expect(fromShared(shareData(data))).toEqual(data);
  });

  it('reaches a real worker_thread without copying', async () => {
    const data = prepared();
    const shared = shareData(data);
    const worker = startTsWorker(new URL('./fixtures/sum-worker.ts', import.meta.url), shared);
    try {
      const reply = await firstMessage<{ sum: number; fingerprint: string; count: number; shared: boolean }>(
        worker,
      );
      let sum = 0;
      for (const v of data.train.x) sum += v;
      expect(reply).toEqual({ sum, fingerprint: data.fingerprint, count: data.train.count, shared: true });
      expect(fromShared(shared).test.labels[0]).toBe(12345); // written by the worker, seen here
      expect(data.test.labels[0]).not.toBe(12345); // the original arrays were copied once, not aliased
    } finally {
      await worker.terminate();
    }
  });
});

describe('prepareData({ shared: true })', () => {
  it('prepares the same data straight into shared memory, which shareData then passes on uncopied', () => {
    const spec = { source: { kind: 'spirals', points: 20 }, validation: 5 } as const;
    const direct = prepareData(spec, new Rng(4), { shared: true });
    expect(direct).toEqual(prepareData(spec, new Rng(4)));
    expect(direct.train.x.buffer).toBeInstanceOf(SharedArrayBuffer);
    const shared = shareData(direct);
    expect(shared.train.x).toBe(direct.train.x.buffer);
    expect(shared.validation!.labels).toBe(direct.validation!.labels.buffer);
  });
});
