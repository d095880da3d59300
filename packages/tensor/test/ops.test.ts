// Each op on small hand-computed cases, and its shape errors naming the shapes involved.
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { KERNEL_CHOICES, setKernels } from '../src/kernels/backend.ts';
import * as ops from '../src/ops.ts';
import { Tensor } from '../src/tensor.ts';

const t = (values: number[][] | number[]) => Tensor.from(values);
const z = (...shape: number[]) => Tensor.zeros(shape);

describe.each(KERNEL_CHOICES)('matmul ops (%s kernels)', (choice) => {
  beforeEach(() => setKernels(choice));
  afterAll(() => setKernels(undefined));
  // a (2, 3), b (3, 2); a b = [[1*7+2*9+3*11, 1*8+2*10+3*12], [4*7+5*9+6*11, 4*8+5*10+6*12]]
  const a = t([
    [1, 2, 3],
    [4, 5, 6],
  ]);
  const b = t([
    [7, 8],
    [9, 10],
    [11, 12],
  ]);
  const ab = [
    [58, 64],
    [139, 154],
  ];

  it('matmul, with and without accumulate', () => {
    const out = t([
      [1, 1],
      [1, 1],
    ]);
    expect(ops.matmul(out, a, b).toArray()).toEqual(ab);
    expect(ops.matmul(out, a, b, true).toArray()).toEqual(ab.map((r) => r.map((v) => 2 * v)));
  });

  it('matmulBias adds the bias to every row', () => {
    expect(
      ops
        .matmulBias(
          t([
            [7, 7],
            [7, 7],
          ]),
          a,
          b,
          t([1, -2]),
        )
        .toArray(),
    ).toEqual([
      [59, 62],
      [140, 152],
    ]);
  });

  it('matmulAtB takes a transposed', () => {
    const aT = t([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
    expect(ops.matmulAtB(z(2, 2), aT, b).toArray()).toEqual(ab);
    const out = t([
      [1, 1],
      [1, 1],
    ]);
    expect(ops.matmulAtB(out, aT, b, true).toArray()).toEqual(ab.map((r) => r.map((v) => v + 1)));
  });

  it('matmulABt takes b transposed', () => {
    const bT = t([
      [7, 9, 11],
      [8, 10, 12],
    ]);
    expect(ops.matmulABt(z(2, 2), a, bT).toArray()).toEqual(ab);
    const out = t([
      [-1, -1],
      [-1, -1],
    ]);
    expect(ops.matmulABt(out, a, bT, true).toArray()).toEqual(ab.map((r) => r.map((v) => v - 1)));
  });
});

describe('matmul shape errors', () => {
  const a = z(2, 3);
  it('name both shapes', () => {
    expect(() => ops.matmul(z(2, 2), a, z(4, 2))).toThrow(
      'matmul: inner dimensions differ (3 vs 4) (shapes (2, 3) and (4, 2))',
    );
    expect(() => ops.matmul(z(2, 3), a, z(3, 2))).toThrow(
      /out must be \(2, 2\) \(shapes \(2, 3\) and \(2, 3\) and \(3, 2\)\)/,
    );
    expect(() => ops.matmul(z(2, 2), z(6), z(3, 2))).toThrow(/expected 2-D tensors .*\(6\)/);
    expect(() => ops.matmulAtB(z(3, 2), a, z(3, 2))).toThrow(
      /matmulAtB: row counts differ \(2 vs 3\) \(shapes \(2, 3\) and \(3, 2\)\)/,
    );
    expect(() => ops.matmulAtB(z(2, 2), z(3, 2), z(3, 2))).not.toThrow();
    expect(() => ops.matmulAtB(z(3, 2), z(3, 2), z(3, 2))).toThrow(/matmulAtB: out must be \(2, 2\)/);
    expect(() => ops.matmulABt(z(2, 2), a, z(2, 4))).toThrow(
      /matmulABt: column counts differ \(3 vs 4\) \(shapes \(2, 3\) and \(2, 4\)\)/,
    );
    expect(() => ops.matmulABt(z(2, 3), a, z(2, 3))).toThrow(/matmulABt: out must be \(2, 2\)/);
    expect(() => ops.matmulBias(z(2, 2), a, z(3, 2), z(3))).toThrow(
      'matmulBias: bias must have 2 elements (shapes (2, 2) and (3))',
    );
    expect(() => ops.matmulBias(z(2, 2), a, z(4, 2), z(2))).toThrow(/matmulBias: inner dimensions differ/);
    expect(() => ops.matmulBias(z(3, 2), a, z(3, 2), z(2))).toThrow(/matmulBias: out must be \(2, 2\)/);
  });
});

describe.each(KERNEL_CHOICES)('sumRows and ReLU ops (%s kernels)', (choice) => {
  beforeEach(() => setKernels(choice));
  afterAll(() => setKernels(undefined));
  const x = t([
    [1, -2, 3],
    [4, 5, -6],
  ]);

  it('sumRows sums columns, accumulating on request', () => {
    const out = t([100, 100, 100]);
    expect(Array.from(ops.sumRows(out, x).data)).toEqual([5, 3, -3]);
    expect(Array.from(ops.sumRows(out, x, true).data)).toEqual([10, 6, -6]);
    expect(() => ops.sumRows(z(2), x)).toThrow('sumRows: out must have 3 elements (shapes (2) and (2, 3))');
    expect(() => ops.sumRows(z(3), z(3))).toThrow(/sumRows: expected 2-D/);
  });

  it('relu clamps at zero, NaN included, in place too', () => {
    const v = t([-1, 0, 2.5, NaN, -Infinity, Infinity, -0]);
    expect(Array.from(ops.relu(z(7), v).data)).toEqual([0, 0, 2.5, 0, 0, Infinity, 0]);
    ops.relu(v, v);
    expect(Array.from(v.data)).toEqual([0, 0, 2.5, 0, 0, Infinity, 0]);
    expect(() => ops.relu(z(2), x)).toThrow('relu: sizes differ (shapes (2) and (2, 3))');
  });

  it('reluBackward passes the gradient where the activation is positive', () => {
    const dx = t([1, 1, 1, 1]);
    ops.reluBackward(dx, t([10, 20, 30, 40]), t([0.5, 0, 2, NaN]));
    expect(Array.from(dx.data)).toEqual([11, 1, 31, 1]);
    expect(() => ops.reluBackward(z(3), z(3), z(2))).toThrow('reluBackward: sizes differ');
  });
});

describe('row ops', () => {
  it('argmaxRows, ties to the first', () => {
    const y = t([
      [1, 7, 7],
      [-3, -1, -2],
      [-Infinity, -Infinity, -Infinity],
    ]);
    expect(Array.from(ops.argmaxRows(new Int32Array(3), y))).toEqual([1, 1, 0]);
    expect(() => ops.argmaxRows(new Int32Array(2), y)).toThrow('argmaxRows: out has 2 slots for 3 rows');
  });

  it('copy copies, and rejects mismatched sizes naming the shapes', () => {
    const b = t([4, -5, 6]);
    expect(Array.from(ops.copy(z(3), b).data)).toEqual([4, -5, 6]);
    expect(() => ops.copy(z(4), b)).toThrow(/^copy: sizes differ \(shapes \(4\) and \(3\)\)$/);
  });
});
