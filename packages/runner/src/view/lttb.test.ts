import { describe, expect, it } from 'vitest';
import { lttb } from './lttb.js';

const series = (n: number) =>
  Array.from({ length: n }, (_, i): [number, number] => [i + 1, Math.sin(i / 5) + i / 100]);

describe('LTTB downsampling', () => {
  it('returns short series unchanged', () => {
    expect(lttb(series(5), 10)).toEqual(series(5));
    expect(lttb([], 10)).toEqual([]);
  });

  it('keeps exactly threshold points, first and last included, in order', () => {
    const points = series(1000);
    for (const threshold of [2, 3, 10, 137]) {
      const sampled = lttb(points, threshold);
      expect(sampled).toHaveLength(threshold);
      expect(sampled[0]).toEqual(points[0]);
      expect(sampled.at(-1)).toEqual(points.at(-1));
      expect(sampled.every((p, i) => i === 0 || p[0] > sampled[i - 1][0])).toBe(true);
    }
  });

  it('keeps a spike that uniform sampling would miss', () => {
    const points = series(500).map(([x]): [number, number] => [x, x === 251 ? 100 : 0]);
    expect(lttb(points, 20).some(([, y]) => y === 100)).toBe(true);
  });

  it('picks only points of the input', () => {
    const points = series(300);
    const known = new Set(points.map((p) => p[0]));
    expect(lttb(points, 30).every(([x]) => known.has(x))).toBe(true);
  });
});
