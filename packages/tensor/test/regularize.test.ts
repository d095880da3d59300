// The optimized dropout and batch norm kernels (wasm, and native on every ISA path this CPU runs)
// against the reference, on shapes that straddle their vectors (4 floats in wasm, up to 16 native)
// and on batches of 2 (the smallest batch norm takes) to 129 rows. Their gradients are checked by
// central differences on each kernel set in packages/layers (test/regularize.test.ts).
import { describe, expect, it } from 'vitest';
import type { Kernels } from '../src/kernels/kernels.ts';
import { referenceKernels as reference } from '../src/kernels/reference.ts';
import { NATIVE_ISAS, loadNativeKernels } from '../src/native/native.ts';
import { Rng } from '../src/rng.ts';
import { loadWasmKernels, relaxedSimdSupported } from '../src/wasm/wasm.ts';

const wasms: Kernels[] = [loadWasmKernels({ relaxed: false })];
if (relaxedSimdSupported()) wasms.push(loadWasmKernels({ relaxed: true }));
const natives = NATIVE_ISAS.flatMap((isa) => {
  try {
    return [loadNativeKernels(isa)];
  } catch {
    return [];
  }
});
const variants = [...wasms, ...natives];

const ROWS = [2, 3, 7, 129];
const COLUMNS = [1, 3, 5, 17, 129];
const SHAPES = ROWS.flatMap((B) => COLUMNS.map((N): [number, number] => [B, N]));

function random(n: number, rng: Rng, scale = 1, shift = 0): Float32Array {
  return Float32Array.from({ length: n }, () => shift + scale * rng.normal());
}

/** Worst |a - b| / (|b| + floor), floor a share of b's largest magnitude: float32 noise passes, a wrong value not. */
function worstError(a: Float32Array, b: Float32Array): number {
  const floor = 1e-3 * b.reduce((m, v) => Math.max(m, Math.abs(v)), 0) + 1e-12;
  let worst = 0;
  for (let i = 0; i < b.length; i++)
    worst = Math.max(worst, Math.abs(a[i] - b[i]) / (Math.abs(b[i]) + floor));
  return worst;
}

/** Float32 sums of up to 129 terms, each rounded: well under this. */
const TOLERANCE = 1e-4;

it('covers the wasm builds and every native ISA path this CPU runs', () => {
  expect(variants.map((k) => k.name)).toContain('wasm-simd');
  expect(natives.length).toBeGreaterThan(0);
});

describe.each(variants.map((k) => [k.name, k] as const))('%s', (_name, k) => {
  it("draws dropout's masks from the stream as the reference does, one draw per unit, to the bit", () => {
    // The mask by hand from Rng.fillU32 (the stream's numbers), at lengths around every vector width,
    // rates from none to nearly all; after it, the stream goes on where the draws left it.
    for (const rate of [0, 0.2, 0.5, 0.999]) {
      for (const n of [1, 3, 4, 5, 17, 1000]) {
        const [stream, twin] = [Rng.derive(13, rate, n), Rng.derive(13, rate, n)];
        const draws = twin.fillU32(new Uint32Array(n));
        const kept = 1 / (1 - rate);
        const expected = Float32Array.from(draws, (d) => (d >= rate * 2 ** 32 ? kept : 0));
        const mask = new Float32Array(n).fill(NaN);
        stream.drawWith((state) => k.dropoutMask(mask, state, rate * 2 ** 32, kept));
        expect(mask).toEqual(expected);
        expect(stream.nextU32()).toBe(twin.nextU32());
        expect(stream.getState()).toEqual(twin.getState());
      }
    }
  });

  it('dropout and its backward give the reference bits (one product per unit)', () => {
    const rng = new Rng(1);
    for (const n of [1, 3, 4, 5, 17, 1000]) {
      const x = random(n, rng);
      const mask = Float32Array.from({ length: n }, () => (rng.uniform() < 0.3 ? 0 : 1 / 0.7));
      const [out, expected] = [new Float32Array(n), new Float32Array(n)];
      k.dropout(out, x, mask);
      reference.dropout(expected, x, mask);
      expect(out).toEqual(expected);
      // Backward accumulates into what dx holds.
      const dout = random(n, rng);
      const dx = random(n, rng);
      const dxExpected = dx.slice();
      k.dropoutBackward(dx, dout, mask);
      reference.dropoutBackward(dxExpected, dout, mask);
      expect(worstError(dx, dxExpected)).toBeLessThan(TOLERANCE);
    }
  });

  it.each(SHAPES)('batch norm forward, evaluation and backward on (%i, %i)', (B, N) => {
    const rng = new Rng(B * 1000 + N);
    // Columns of different means and scales, as pre-activations are.
    const x = Float32Array.from(random(B * N, rng), (v, i) => 3 * (i % N) + v * (1 + (i % 3)));
    const gamma = random(N, rng, 0.5, 1);
    const beta = random(N, rng);
    const run = (kernels: Kernels) => {
      const out = new Float32Array(B * N);
      const mean = new Float32Array(N);
      const rstd = new Float32Array(N);
      kernels.batchNorm(out, mean, rstd, x, gamma, beta, B, N, 1e-5);
      const applied = new Float32Array(B * N);
      kernels.batchNormApply(applied, x, mean, rstd, gamma, beta, B, N);
      const dout = random(B * N, new Rng(7));
      const dx = random(B * N, new Rng(8));
      const dgamma = random(N, new Rng(9));
      const dbeta = random(N, new Rng(10));
      kernels.batchNormBackward(dx, dgamma, dbeta, dout, x, mean, rstd, gamma, B, N);
      return { out, mean, rstd, applied, dx, dgamma, dbeta };
    };
    const got = run(k);
    const want = run(reference);
    for (const key of Object.keys(want) as (keyof typeof want)[])
      expect(worstError(got[key], want[key]), key).toBeLessThan(TOLERANCE);
    // The batch statistics are what they say: each column of out has mean beta (to float32's
    // rounding of x - mean, x up to 400 here).
    for (let j = 0; j < N; j++) {
      let sum = 0;
      for (let i = 0; i < B; i++) sum += got.out[i * N + j];
      expect(sum / B).toBeCloseTo(beta[j], 3);
    }
  });
});
