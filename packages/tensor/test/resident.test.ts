// The wasm kernels on resident arrays (in their own memory, used in place) against the same
// kernels on plain arrays (copied in and out): where an operand lives must not change a bit. The
// kernels themselves are checked against the reference in kernels.test.ts and streaming.test.ts.
import { describe, expect, it } from 'vitest';
import type { Kernels } from '../src/kernels/kernels.ts';
import { Rng } from '../src/rng.ts';
import { loadWasmKernels, relaxedSimdSupported } from '../src/wasm/wasm.ts';

const wasms: Kernels[] = [loadWasmKernels({ relaxed: false })];
if (relaxedSimdSupported()) wasms.push(loadWasmKernels({ relaxed: true }));

// [M, K, N] past the 4 x 8 tile, the 128-row and 256-deep blocks, with N off and on whole tiles
const SHAPES: [number, number, number][] = [
  [1, 1, 1],
  [3, 7, 129],
  [7, 3, 10],
  [129, 785, 7],
  [785, 129, 3],
  [3, 785, 16],
  [64, 7, 512],
  [784, 16, 128],
  [128, 300, 10],
];
const LENGTHS = [1, 3, 7, 129, 16384 + 7]; // the last spans two of momentum's staging chunks

const random = (rng: Rng, n: number) => Float32Array.from({ length: n }, () => rng.uniformIn(-1, 1));
const bits = (x: Float32Array) =>
  Array.from(new Uint32Array(x.buffer.slice(x.byteOffset, x.byteOffset + x.byteLength)));

describe.each(wasms.map((k) => [k.name, k] as const))('%s on resident arrays', (_, k) => {
  const resident = (x: Float32Array) => {
    const r = k.residentArray!(x.length);
    r.set(x);
    return r;
  };

  it('gives resident arrays the same memory as its own (their buffer is shared)', () => {
    expect(resident(new Float32Array(5)).buffer).toBeInstanceOf(SharedArrayBuffer);
  });

  it.each(['matmulAB', 'matmulAtB', 'matmulABt'] as const)(
    '%s computes the same bits with resident operands, bias and accumulated output',
    (form) => {
      const rng = new Rng(3);
      for (const [M, K, N] of SHAPES) {
        const [a, b, bias, start] = [
          random(rng, M * K),
          random(rng, K * N),
          random(rng, N),
          random(rng, M * N),
        ];
        for (const accumulate of [false, true]) {
          const plain = start.slice();
          k[form](plain, a, b, M, K, N, accumulate, bias);
          const out = resident(start);
          k[form](out, resident(a), resident(b), M, K, N, accumulate, resident(bias));
          expect(bits(out), `${form} ${M}x${K}x${N}`).toEqual(bits(plain));
        }
      }
    },
  );

  it('momentum updates resident, mixed and partial views as it does plain arrays', () => {
    const rng = new Rng(4);
    for (const n of LENGTHS) {
      const [w, g, v] = [random(rng, n), random(rng, n), random(rng, n)];
      for (const nesterov of [false, true]) {
        const [pw, pv] = [w.slice(), v.slice()];
        k.momentum(pw, g, pv, 0.1, 0.9, 1, nesterov, 1);
        const [rw, rv] = [resident(w), resident(v)];
        k.momentum(rw, resident(g), rv, 0.1, 0.9, 1, nesterov, 1); // all resident
        const [mw, mv] = [resident(w), v.slice()];
        k.momentum(mw, g, mv, 0.1, 0.9, 1, nesterov, 1); // w resident, g and v not
        for (const x of [rw, mw]) expect(bits(x), `w, n = ${n}`).toEqual(bits(pw));
        for (const x of [rv, mv]) expect(bits(x), `v, n = ${n}`).toEqual(bits(pv));
        if (n > 1) {
          // a view of part of a resident array is copied like any other array
          const tail = resident(w);
          k.momentum(tail.subarray(1), g.subarray(1), v.slice(1), 0.1, 0.9, 1, nesterov, 1);
          const expected = w.slice(1);
          k.momentum(expected, g.subarray(1), v.slice(1), 0.1, 0.9, 1, nesterov, 1);
          expect(tail[0]).toBe(w[0]);
          expect(bits(tail.subarray(1))).toEqual(bits(expected));
        }
      }
    }
  });

  it('the fused momentum step updates resident w and v as it does plain ones', () => {
    const rng = new Rng(5);
    for (const [M, K, N] of SHAPES) {
      const [a, b, w, v] = [random(rng, K * M), random(rng, K * N), random(rng, M * N), random(rng, M * N)];
      const [pw, pv] = [w.slice(), v.slice()];
      k.matmulAtBMomentum(a, b, M, K, N, pw, pv, 0.05, 0.9, 0.5, false);
      const [rw, rv] = [resident(w), resident(v)];
      k.matmulAtBMomentum(a, b, M, K, N, rw, rv, 0.05, 0.9, 0.5, false);
      expect(bits(rw), `w ${M}x${K}x${N}`).toEqual(bits(pw));
      expect(bits(rv), `v ${M}x${K}x${N}`).toEqual(bits(pv));
    }
  });

  it('sumRows, relu and reluBackward compute the same bits on resident arrays', () => {
    const rng = new Rng(6);
    for (const n of LENGTHS.slice(0, 4)) {
      const [x, out] = [random(rng, 5 * n), random(rng, n)];
      for (const accumulate of [false, true]) {
        const plain = out.slice();
        k.sumRows(plain, x, 5, n, accumulate);
        const r = resident(out);
        k.sumRows(r, x, 5, n, accumulate);
        expect(bits(r)).toEqual(bits(plain));
      }
      const [dx, dout, a] = [random(rng, n), random(rng, n), random(rng, n)];
      const plainDx = dx.slice();
      k.reluBackward(plainDx, dout, a);
      const rdx = resident(dx);
      k.reluBackward(rdx, resident(dout), resident(a));
      expect(bits(rdx)).toEqual(bits(plainDx));
      // relu of a resident x into another array leaves x as it was; in place it rewrites x
      const plainOut = new Float32Array(n);
      k.relu(plainOut, dx);
      const rx = resident(dx);
      const into = new Float32Array(n);
      k.relu(into, rx);
      expect(bits(rx)).toEqual(bits(dx));
      expect(bits(into)).toEqual(bits(plainOut));
      k.relu(rx, rx);
      expect(bits(rx)).toEqual(bits(plainOut));
    }
  });

  it('frees a released array for the next one', () => {
    const x = k.residentArray!(1000);
    k.releaseArray!(x);
    expect(k.residentArray!(1000).byteOffset).toBe(x.byteOffset);
  });
});
