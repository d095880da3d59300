import { describe, expect, it } from 'vitest';
import { Rng } from '../src/rng.ts';
import { Tensor, formatShape, sizeOf } from '../src/tensor.ts';

describe('Tensor', () => {
  it('checks the shape against the data', () => {
    expect(new Tensor(new Float32Array(6), [2, 3]).shape).toEqual([2, 3]);
    expect(() => new Tensor(new Float32Array(5), [2, 3])).toThrow(
      'data of length 5 does not fit shape (2, 3) (size 6)',
    );
    expect(() => new Tensor(new Float32Array(0), [2, -1])).toThrow('invalid shape (2, -1)');
    expect(() => new Tensor(new Float32Array(3), [1.5, 2])).toThrow('invalid shape (1.5, 2)');
    expect(new Tensor(Float32Array.of(7), []).size).toBe(1);
  });

  it('builds from nested arrays, flat arrays with a shape, and scalars', () => {
    const t = Tensor.from([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(t.shape).toEqual([2, 3]);
    expect(Array.from(t.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(t.toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(Tensor.from([1, 2, 3, 4], [2, 2]).get(1, 0)).toBe(3);
    expect(Tensor.from(Float32Array.of(1, 2)).shape).toEqual([2]);
    expect(Tensor.from(3).toArray()).toBe(3);
    expect(() => Tensor.from([[1, 2], [3]])).toThrow(/ragged/);
    expect(() => Tensor.from([1, 2, 3], [2, 2])).toThrow(/does not fit shape \(2, 2\)/);
  });

  it('fills zeros and seeded random values', () => {
    expect(Array.from(Tensor.zeros([2, 2]).data)).toEqual([0, 0, 0, 0]);
    const u = Tensor.uniform([1000], new Rng(1), -2, 3);
    expect(Math.min(...u.data)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...u.data)).toBeLessThan(3);
    expect(Tensor.uniform([1000], new Rng(1), -2, 3).data).toEqual(u.data);
  });

  it('reports rows and cols', () => {
    const t = Tensor.zeros([4, 3]);
    expect([t.rows, t.cols, t.size]).toEqual([4, 3, 12]);
    expect(Tensor.zeros([5]).cols).toBe(1);
  });

  it('rowView shares memory and checks its range', () => {
    const t = Tensor.from([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const v = t.rowView(1, 3);
    expect(v.toArray()).toEqual([
      [3, 4],
      [5, 6],
    ]);
    v.data[0] = 30;
    expect(t.get(1, 0)).toBe(30);
    expect(t.rowView(2, 2).shape).toEqual([0, 2]);
    expect(() => t.rowView(2, 4)).toThrow('rowView(2, 4) out of range for shape (3, 2)');
    expect(() => t.rowView(2, 1)).toThrow(/out of range/);
  });

  it('reshape shares memory, clone does not', () => {
    const t = Tensor.from([1, 2, 3, 4, 5, 6], [2, 3]);
    const r = t.reshape([3, 2]);
    r.data[5] = 60;
    expect(t.get(1, 2)).toBe(60);
    expect(() => t.reshape([4, 2])).toThrow(/does not fit shape \(4, 2\)/);
    const c = t.clone();
    c.data[0] = 10;
    expect(t.get(0, 0)).toBe(1);
    expect(c.shape).toEqual([2, 3]);
  });

  it('sizeOf and formatShape', () => {
    expect(sizeOf([2, 3, 4])).toBe(24);
    expect(sizeOf([])).toBe(1);
    expect(formatShape([2, 3])).toBe('(2, 3)');
  });
});
