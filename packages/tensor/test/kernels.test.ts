// The optimized kernels (wasm, and native on every ISA path this CPU runs) against the reference, on
// shapes chosen to hit every edge of the tiling: the sizes 1, 3, 7, 129, 785 straddle the tiles
// (wasm 4 x 8; native up to 8 x 32), the 4 x 4 transposes of the packing, the row blocks and the
// 256-deep K block.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { kernels, setKernels } from '../src/kernels/backend.ts';
import type { Kernels } from '../src/kernels/kernels.ts';
import { referenceKernels } from '../src/kernels/reference.ts';
import { NATIVE_ISAS, loadNativeKernels } from '../src/native/native.ts';
import { Rng } from '../src/rng.ts';
import { loadWasmKernels, relaxedSimdSupported } from '../src/wasm/wasm.ts';

type Form = 'matmulAB' | 'matmulAtB' | 'matmulABt';
const FORMS: Form[] = ['matmulAB', 'matmulAtB', 'matmulABt'];
const U = 2 ** -24; // float32 unit roundoff

const wasms: Kernels[] = [loadWasmKernels({ relaxed: false })];
if (relaxedSimdSupported()) wasms.push(loadWasmKernels({ relaxed: true }));
// Every native ISA path this CPU runs (on an AVX-512 machine: avx512, avx2 and portable).
const natives = NATIVE_ISAS.flatMap((isa) => {
  try {
    return [loadNativeKernels(isa)];
  } catch {
    return [];
  }
});
const variants = [...wasms, ...natives];

const EDGES = [1, 3, 7, 129];
const SHAPES: [number, number, number][] = [
  // every combination of the edges but 129 x 129 x 129, which costs more than all of the others
  ...EDGES.flatMap((M) => EDGES.flatMap((K) => EDGES.map((N): [number, number, number] => [M, K, N]))).filter(
    (shape) => shape.some((d) => d !== 129),
  ),
  [785, 7, 3],
  [3, 785, 7],
  [7, 3, 785],
  [129, 785, 7],
  [785, 129, 3],
  [7, 129, 785],
  // B read in place (few rows, N a multiple of 8), and the packed path just past its limits
  [3, 785, 16],
  [64, 7, 512],
  [65, 7, 512],
  [64, 7, 520],
];

function randomArray(rng: Rng, n: number, draw: () => number = () => rng.uniformIn(-1, 1)): Float32Array {
  return Float32Array.from({ length: n }, draw);
}

/** The logical A (M, K) and B (K, N) of a form, read from its flat inputs, as row-major float64. */
function logical(form: Form, a: Float32Array, b: Float32Array, M: number, K: number, N: number) {
  const A = new Float64Array(M * K);
  const B = new Float64Array(K * N);
  for (let i = 0; i < M; i++)
    for (let k = 0; k < K; k++) A[i * K + k] = form === 'matmulAtB' ? a[k * M + i] : a[i * K + k];
  for (let k = 0; k < K; k++)
    for (let j = 0; j < N; j++) B[k * N + j] = form === 'matmulABt' ? b[j * K + k] : b[k * N + j];
  return { A, B };
}

/** out (M, N) = A B in float64, with f applied to every product term. */
function product(A: Float64Array, B: Float64Array, M: number, K: number, N: number, f = (x: number) => x) {
  const out = new Float64Array(M * N);
  for (let i = 0; i < M; i++) {
    for (let k = 0; k < K; k++) {
      const aik = A[i * K + k];
      for (let j = 0; j < N; j++) out[i * N + j] += f(aik * B[k * N + j]);
    }
  }
  return out;
}

describe.each(variants.map((k) => [k.name, k] as const))('%s', (_name, optimized) => {
  it.each(FORMS)('%s agrees with the reference on edge shapes, with and without accumulate', (form) => {
    // Both kernels compute each output as a float32 sum of K products (plus out with accumulate)
    // in different orders, and the optimized one may fuse multiply-adds. The classical bound on either
    // one's error is (K + 1) u (|out| + sum_k |A_ik B_kj|), so they differ by at most twice that; a
    // wrong or missing term is off by about one product, far beyond the bound for the K here.
    const rng = Rng.derive(7, form);
    for (const [M, K, N] of SHAPES) {
      const a = randomArray(rng, M * K);
      const b = randomArray(rng, K * N);
      const aCopy = a.slice();
      const bCopy = b.slice();
      const { A, B } = logical(form, a, b, M, K, N);
      const magnitude = product(A, B, M, K, N, Math.abs);
      // Without a bias, then with one (added to the finished sum by both: one more rounding).
      for (const [accumulate, bias] of [
        [false, undefined],
        [true, undefined],
        [false, randomArray(rng, N)],
        [true, randomArray(rng, N)],
      ] as const) {
        const out0 = randomArray(rng, M * N);
        const expected = out0.slice();
        const actual = out0.slice();
        referenceKernels[form](expected, a, b, M, K, N, accumulate, bias);
        optimized[form](actual, a, b, M, K, N, accumulate, bias);
        for (let i = 0; i < M * N; i++) {
          const added = (accumulate ? Math.abs(out0[i]) : 0) + (bias ? Math.abs(bias[i % N]) : 0);
          const bound = 2 * (K + 2) * U * (added + magnitude[i]);
          if (!(Math.abs(actual[i] - expected[i]) <= bound)) {
            expect.fail(
              `${form} ${M}x${K}x${N} acc=${accumulate} bias=${!!bias} [${i}]: ${actual[i]} vs ${expected[i]}`,
            );
          }
        }
      }
      expect(a).toEqual(aCopy);
      expect(b).toEqual(bCopy);
    }
  });

  it.each(FORMS)('%s is exact on small integers, computed independently in float64', (form) => {
    // Integer products and sums below 2^24 are exact in float32 in any order, so any misplaced,
    // missing or stale (unpadded) value shows up as an exact mismatch.
    const rng = Rng.derive(8, form);
    for (const [M, K, N] of [
      [785, 129, 7],
      [7, 3, 1],
      [129, 785, 3],
      [1, 1, 1],
      [13, 300, 17],
    ]) {
      const a = randomArray(rng, M * K, () => rng.int(5) - 2);
      const b = randomArray(rng, K * N, () => rng.int(5) - 2);
      const { A, B } = logical(form, a, b, M, K, N);
      const expected = Float32Array.from(product(A, B, M, K, N));
      const out = new Float32Array(M * N).fill(NaN);
      optimized[form](out, a, b, M, K, N);
      expect(out).toEqual(expected);
      optimized[form](out, a, b, M, K, N, true);
      expect(out).toEqual(expected.map((v) => 2 * v));
      const bias = randomArray(rng, N, () => rng.int(9) - 4);
      optimized[form](out, a, b, M, K, N, false, bias);
      expect(out).toEqual(expected.map((v, i) => v + bias[i % N]));
      optimized[form](out, a, b, M, K, N, true, bias);
      expect(out).toEqual(expected.map((v, i) => 2 * (v + bias[i % N])));
    }
  });

  it('handles empty dimensions', () => {
    const out = Float32Array.of(5, 6);
    optimized.matmulAB(out, new Float32Array(0), new Float32Array(0), 1, 0, 2, true);
    expect(out).toEqual(Float32Array.of(5, 6));
    optimized.matmulAB(out, new Float32Array(0), new Float32Array(0), 1, 0, 2);
    expect(out).toEqual(Float32Array.of(0, 0));
    optimized.matmulAtB(out, new Float32Array(0), new Float32Array(3), 0, 3, 1);
    expect(out).toEqual(Float32Array.of(0, 0));
    optimized.matmulAB(out, new Float32Array(0), new Float32Array(0), 1, 0, 2, false, Float32Array.of(3, 4));
    expect(out).toEqual(Float32Array.of(3, 4));
    optimized.sumRows(out, new Float32Array(0), 0, 2);
    expect(out).toEqual(Float32Array.of(0, 0));
  });
});

// Column sums and ReLU are exact or summed in the reference's order, so the optimized kernels must match
// the reference to the bit, at every length around the vector width (and past a few of them).
const LENGTHS = [1, 2, 3, 4, 5, 7, 8, 9, 17, 129, 785];

/** Equal bit for bit, NaNs and signed zeros included. */
function expectSameBits(actual: Float32Array, expected: Float32Array, what: string): void {
  const [x, y] = [new Uint32Array(actual.buffer), new Uint32Array(expected.buffer)];
  for (let i = 0; i < y.length; i++) {
    if (x[i] !== y[i]) expect.fail(`${what} [${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

describe.each(variants.map((k) => [k.name, k] as const))('%s sumRows and relu', (_name, optimized) => {
  it('sumRows agrees with the reference to the bit at odd shapes, with and without accumulate', () => {
    const rng = new Rng(10);
    for (const M of [1, 3, 129]) {
      for (const N of LENGTHS) {
        const x = randomArray(rng, M * N);
        for (const accumulate of [false, true]) {
          const out0 = randomArray(rng, N);
          const [expected, actual] = [out0.slice(), out0.slice()];
          referenceKernels.sumRows(expected, x, M, N, accumulate);
          optimized.sumRows(actual, x, M, N, accumulate);
          expectSameBits(actual, expected, `sumRows ${M}x${N} acc=${accumulate}`);
        }
      }
    }
  });

  it('sumRows is exact on a small case', () => {
    const out = Float32Array.of(10, 20, 30);
    optimized.sumRows(out, Float32Array.of(1, 2, 3, 4, 5, 6), 2, 3);
    expect([...out]).toEqual([5, 7, 9]);
    optimized.sumRows(out, Float32Array.of(1, 2, 3, 4, 5, 6), 2, 3, true);
    expect([...out]).toEqual([10, 14, 18]);
  });

  it('relu and reluBackward agree with the reference to the bit at odd lengths', () => {
    // Draws from [-1, 1) with the special values mixed in: NaN, infinities, signed zeros.
    const rng = new Rng(11);
    const special = [NaN, Infinity, -Infinity, 0, -0];
    const draw = () => (rng.int(8) === 0 ? special[rng.int(special.length)] : rng.uniformIn(-1, 1));
    for (const n of LENGTHS) {
      const x = randomArray(rng, n, draw);
      const [expected, actual] = [new Float32Array(n), new Float32Array(n)];
      referenceKernels.relu(expected, x);
      optimized.relu(actual, x);
      expectSameBits(actual, expected, `relu n=${n}`);
      const dout = randomArray(rng, n, draw);
      const dx0 = randomArray(rng, n, draw);
      const [dxRef, dxOptimized] = [dx0.slice(), dx0.slice()];
      referenceKernels.reluBackward(dxRef, dout, expected);
      optimized.reluBackward(dxOptimized, dout, actual);
      expectSameBits(dxOptimized, dxRef, `reluBackward n=${n}`);
    }
  });

  it('relu and reluBackward are exact on a small case, relu in place', () => {
    const x = Float32Array.of(-2, -0, 0, 0.5, 3, NaN);
    optimized.relu(x, x);
    expect([...x]).toEqual([0, 0, 0, 0.5, 3, 0]);
    const dx = Float32Array.of(-0, 1, 1, 1, 1, 1);
    optimized.reluBackward(dx, Float32Array.of(7, 7, 7, 7, 7, 7), x);
    expect(Object.is(dx[0], -0)).toBe(true);
    expect([...dx]).toEqual([-0, 1, 1, 8, 8, 1]);
  });
});

describe.each(variants.map((k) => [k.name, k] as const))('%s momentum', (_name, optimized) => {
  it.each([false, true])('agrees with the reference at odd lengths (nesterov %s)', (nesterov) => {
    // Each element is a few float32 operations (the reference rounds once from float64), so the
    // two may differ by a few units in the last place of the values involved, never more.
    const rng = Rng.derive(9, String(nesterov));
    for (const n of [1, 3, 5, 17, 100_352]) {
      const w = randomArray(rng, n);
      const g = randomArray(rng, n);
      const v = randomArray(rng, n);
      const [wOptimized, vOptimized, wRef, vRef] = [w.slice(), v.slice(), w.slice(), v.slice()];
      optimized.momentum(wOptimized, g, vOptimized, 0.1, 0.9, 0.1, nesterov, 0.75);
      referenceKernels.momentum(wRef, g, vRef, 0.1, 0.9, 0.1, nesterov, 0.75);
      for (let i = 0; i < n; i++) {
        expect(Math.abs(vOptimized[i] - vRef[i])).toBeLessThanOrEqual(
          8 * U * (Math.abs(v[i]) + Math.abs(g[i])),
        );
        expect(Math.abs(wOptimized[i] - wRef[i])).toBeLessThanOrEqual(8 * U * (Math.abs(w[i]) + 1));
      }
    }
  });

  it('flushes velocities that decay below the smallest normal float to 0, and keeps NaN', () => {
    const w = Float32Array.of(1, 1, 1);
    const v = Float32Array.of(2 ** -125, -(2 ** -125), NaN);
    optimized.momentum(w, new Float32Array(3), v, 0.1, 0.25, 1, false, 1); // 0.25 v is denormal
    expect([...v]).toEqual([0, 0, NaN]);
  });

  it('computes the textbook update exactly where float32 is exact', () => {
    // Halves and quarters: every intermediate is exact, so both forms must match by hand.
    const g = Float32Array.of(1, -2, 4);
    const w = Float32Array.of(8, 8, 8);
    const v = Float32Array.of(2, 0, -4);
    optimized.momentum(w, g, v, 0.25, 0.5, 1, false, 1); // v = 0.5 v + g; w -= 0.25 v
    expect([...v]).toEqual([2, -2, 2]);
    expect([...w]).toEqual([7.5, 8.5, 7.5]);
    optimized.momentum(w, g, v, 0.25, 0.5, 1, true, 1); // v = 0.5 v + g; w -= 0.25 (g + 0.5 v)
    expect([...v]).toEqual([2, -3, 5]);
    expect([...w]).toEqual([7, 9.375, 5.875]);
  });
});

describe.each([referenceKernels, ...variants].map((k) => [k.name, k] as const))(
  '%s matmulAtBMomentum',
  (_name, optimized) => {
    // Whole blocks of rows and partial ones (M past 48), N past the 512-column block (the update
    // then goes row by row), K past the 256-deep block (the gradient is then kept whole), K = 0.
    it.each([
      [1, 1, 1],
      [785, 16, 128],
      [100, 7, 3],
      [7, 3, 785],
      [50, 300, 20],
      [3, 0, 5],
    ])('equals matmulAtB then momentum to the bit, (M, K, N) = (%i, %i, %i)', (M, K, N) => {
      const rng = Rng.derive(10, `${M}x${K}x${N}`);
      const a = randomArray(rng, K * M);
      const b = randomArray(rng, K * N);
      const [w, v] = [randomArray(rng, M * N), randomArray(rng, M * N)];
      for (const nesterov of [false, true]) {
        const fused = [w.slice(), v.slice()];
        const [g, wTwo, vTwo] = [new Float32Array(M * N), w.slice(), v.slice()];
        optimized.matmulAtBMomentum(a, b, M, K, N, fused[0], fused[1], 0.1, 0.9, 1, nesterov);
        optimized.matmulAtB(g, a, b, M, K, N);
        optimized.momentum(wTwo, g, vTwo, 0.1, 0.9, 1, nesterov, 1);
        expectSameBits(fused[0], wTwo, `w nesterov=${nesterov}`);
        expectSameBits(fused[1], vTwo, `v nesterov=${nesterov}`);
      }
    });
  },
);

describe.each(natives.map((k) => [k.name, k] as const))('%s gatherRows', (_name, k) => {
  const rows = 50;
  it.each([1, 3, 10, 784, 785])('copies the rows the order lists from start, width %i', (width) => {
    const rng = Rng.derive(12, String(width));
    const src = randomArray(rng, rows * width);
    const order = rng.permutation(rows);
    const [start, size] = [7, 13];
    const dst = new Float32Array(size * width);
    k.gatherRows?.(dst, src, order, start, size, width);
    const expected = new Float32Array(size * width);
    for (let i = 0; i < size; i++)
      expected.set(src.subarray(order[start + i] * width, (order[start + i] + 1) * width), i * width);
    expectSameBits(dst, expected, `width ${width}`);
  });

  it('refuses a row index outside src', () => {
    const src = new Float32Array(rows * 3);
    const dst = new Float32Array(6);
    expect(() => k.gatherRows?.(dst, src, Int32Array.of(0, rows), 0, 2, 3)).toThrow(
      'argument 2 must be row indices within src',
    );
    expect(() => k.gatherRows?.(dst, src, Int32Array.of(-1, 0), 0, 2, 3)).toThrow('row indices within src');
  });
});

describe('wasm loading', () => {
  it('computes the same bits in a worker thread', async () => {
    const [M, K, N] = [37, 300, 21];
    const rng = new Rng(3);
    const a = randomArray(rng, M * K);
    const b = randomArray(rng, K * N);
    const variantFlags = wasms.map((k) => k.name === 'wasm-relaxed-simd');
    const worker = new Worker(new URL('./matmul-worker.mjs', import.meta.url), {
      workerData: { M, K, N, a, b, variants: variantFlags },
    });
    const results = await new Promise<Record<string, Float32Array>>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    expect(Object.keys(results).sort()).toEqual(wasms.map((k) => k.name).sort());
    for (const k of wasms) {
      const out = new Float32Array(M * N);
      k.matmulAB(out, a, b, M, K, N);
      expect(results[k.name]).toEqual(out);
    }
  });

  it('reports the SIMD variant in its name', () => {
    expect(loadWasmKernels({ relaxed: false }).name).toBe('wasm-simd');
    if (relaxedSimdSupported()) expect(loadWasmKernels().name).toBe('wasm-relaxed-simd');
    else expect(() => loadWasmKernels({ relaxed: true })).toThrow(/relaxed SIMD/);
  });
});

describe('native loading', () => {
  it('loads on this machine, on every ISA path it can run', () => {
    expect(natives.map((k) => k.name)).toContain('native-portable');
    expect(natives.length).toBeGreaterThanOrEqual(2);
    expect(() => loadNativeKernels('nonsense' as never)).toThrow(/unknown native ISA/);
  });

  it('computes the same bits in a worker thread', async () => {
    const [M, K, N] = [37, 300, 21];
    const rng = new Rng(4);
    const a = randomArray(rng, M * K);
    const b = randomArray(rng, K * N);
    const isas = natives.map((k) => k.name.replace('native-', ''));
    const worker = new Worker(new URL('./native-worker.mjs', import.meta.url), {
      workerData: { M, K, N, a, b, isas },
    });
    const results = await new Promise<Record<string, Float32Array>>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    for (const k of natives) {
      const out = new Float32Array(M * N);
      k.matmulAB(out, a, b, M, K, N);
      expect(results[k.name]).toEqual(out);
    }
  });

  // The cap on the child's address space takes prlimit(1) and /proc (Linux).
  const capped = process.platform === 'linux' && spawnSync('sh', ['-c', 'command -v prlimit']).status === 0;
  it.skipIf(!capped)('throws an Error naming a buffer it cannot allocate and its size', () => {
    const child = spawnSync(
      process.execPath,
      [fileURLToPath(new URL('./native-alloc-child.mjs', import.meta.url))],
      {
        encoding: 'utf8',
      },
    );
    expect(child.status, child.stderr).toBe(0);
    expect(JSON.parse(child.stdout)).toEqual({
      message:
        "ablate native kernels: matmulAtBMomentum could not allocate 134217728 bytes for the weight gradient's partial sums",
      unchanged: true,
    });
  });
});

describe('backend', () => {
  afterEach(() => {
    setKernels(undefined);
    vi.unstubAllEnvs();
  });

  it('defaults to native and switches every way', async () => {
    // Loaded afresh without ABLATE_KERNELS, so the suite also passes when run under it.
    vi.stubEnv('ABLATE_KERNELS', '');
    vi.resetModules();
    const fresh = await import('../src/kernels/backend.ts');
    expect(fresh.kernels().name).toMatch(/^native-/);
    expect(fresh.kernelsNotice()).toBeUndefined();
    expect(setKernels('reference')).toBe(referenceKernels);
    expect(kernels().name).toBe('reference');
    expect(setKernels('wasm').name).toMatch(/^wasm-/);
    expect(setKernels('native').name).toMatch(/^native-/);
    expect(() => setKernels('gpu' as never)).toThrow(/expected one of native, wasm, reference/);
  });

  it("refuses ABLATE_KERNELS=fast (the wasm path's name before native), naming the choices", async () => {
    vi.stubEnv('ABLATE_KERNELS', 'fast');
    vi.resetModules();
    await expect(import('../src/kernels/backend.ts')).rejects.toThrow(
      "ABLATE_KERNELS: expected one of native, wasm, reference, got 'fast'",
    );
  });

  it('honours ABLATE_NATIVE_ISA at load', async () => {
    vi.stubEnv('ABLATE_KERNELS', 'native');
    vi.stubEnv('ABLATE_NATIVE_ISA', 'portable');
    vi.resetModules();
    expect((await import('../src/kernels/backend.ts')).kernels().name).toBe('native-portable');
  });

  it('honours ABLATE_KERNELS=reference at load', async () => {
    vi.stubEnv('ABLATE_KERNELS', 'reference');
    vi.resetModules();
    const fresh = await import('../src/kernels/backend.ts');
    expect(fresh.kernels().name).toBe('reference');
  });
});

describe.each([referenceKernels, ...variants].map((k) => [k.name, k] as const))(
  '%s matmulAtBSumSquares',
  (_name, optimized) => {
    // The edge shapes of the matmul tests, and K past the 256-deep block (the squares then come
    // from the last block's tiles only) and K = 0.
    it('stores matmulAtB to the bit and returns the sum of its squares, on edge shapes', () => {
      const rng = new Rng(12);
      for (const [M, K, N] of [
        ...SHAPES,
        [50, 300, 20] as [number, number, number],
        [3, 0, 5] as [number, number, number],
      ]) {
        const a = randomArray(rng, K * M);
        const b = randomArray(rng, K * N);
        const out = randomArray(rng, M * N); // overwritten, not added to
        const plain = new Float32Array(M * N);
        const sum = optimized.matmulAtBSumSquares(out, a, b, M, K, N);
        optimized.matmulAtB(plain, a, b, M, K, N);
        expectSameBits(out, plain, `out ${M}x${K}x${N}`);
        // Against the float64 sum of the stored squares: each set sums in float32 within a tile of at
        // most 8 x 32 (the native micro-kernels), so within (256 + 1) u of the sum.
        let want = 0;
        for (const g of plain) want += g * g;
        if (!(Math.abs(sum - want) <= 257 * U * want))
          expect.fail(`sum of squares ${M}x${K}x${N}: ${sum} vs ${want}`);
        // The same bits from the same inputs (the norm of a clipped step is deterministic).
        expect(optimized.matmulAtBSumSquares(out, a, b, M, K, N)).toBe(sum);
      }
    });

    it('is exact on small integers', () => {
      // a = [[1, 3]] (K = 1, M = 2), b = [[1, 2]]: a^T b = [[1, 2], [3, 6]], squares 1 + 4 + 9 + 36 = 50.
      const out = new Float32Array(4);
      expect(optimized.matmulAtBSumSquares(out, Float32Array.of(1, 3), Float32Array.of(1, 2), 2, 1, 2)).toBe(
        50,
      );
      expect([...out]).toEqual([1, 2, 3, 6]);
    });
  },
);
