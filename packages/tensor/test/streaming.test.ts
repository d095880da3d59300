// The streaming kernels of a training step (activations, softmax, losses, optimizer updates)
// against the reference, on every kernel set this machine runs (the wasm set runs the reference's
// own code for most of them), at lengths around every vector width. The native set flushes
// denormals to zero: on denormal inputs it must agree with the reference on the flushed inputs,
// and never write a denormal.
import { describe, expect, it } from 'vitest';
import type { Kernels } from '../src/kernels/kernels.ts';
import { referenceKernels } from '../src/kernels/reference.ts';
import { NATIVE_ISAS, loadNativeKernels } from '../src/native/native.ts';
import { Rng } from '../src/rng.ts';
import { loadWasmKernels } from '../src/wasm/wasm.ts';

const U = 2 ** -24; // float32 unit roundoff
const FLT_MIN = 2 ** -126; // the smallest normal float32
const ROWS = 3; // of the row-wise kernels: every array is ROWS x N
const LENGTHS = [1, 3, 7, 8, 9, 17, 129, 785];

const natives = NATIVE_ISAS.flatMap((isa) => {
  try {
    return [loadNativeKernels(isa)];
  } catch {
    return [];
  }
});
const sets: Kernels[] = [loadWasmKernels(), ...natives];

interface Case {
  /**
   * Of the arrays run takes, in order: 'out' written (or accumulated into), 'in' read only, 'state'
   * read and rewritten (parameters, optimizer state), 'pos' state that is never negative.
   */
  arrays: ('out' | 'in' | 'state' | 'pos')[];
  /** Calls the kernel on ROWS x N arrays; returns what it returns. */
  run: (k: Kernels, xs: Float32Array[], N: number) => number | void;
  /** Relative tolerance of the results, against 1 + |expected|. */
  tolerance: number;
}

const FLOAT = 64 * U; // a few float32 operations, against the reference's float64 ones
const SUM = 1e-5; // a sum of a few thousand terms
const CASES: Record<string, Case> = {
  relu: { arrays: ['out', 'in'], run: (k, [o, x]) => k.relu(o, x), tolerance: 0 },
  reluBackward: {
    arrays: ['out', 'in', 'in'],
    run: (k, [dx, g, a]) => k.reluBackward(dx, g, a),
    tolerance: 0,
  },
  sumRows: { arrays: ['out', 'in'], run: (k, [o, x], N) => k.sumRows(o, x, ROWS, N, true), tolerance: 0 },
  sigmoid: { arrays: ['out', 'in'], run: (k, [o, x]) => k.sigmoid(o, x), tolerance: FLOAT },
  sigmoidBackward: {
    arrays: ['out', 'in', 'in'],
    run: (k, [dx, g, o]) => k.sigmoidBackward(dx, g, o),
    tolerance: FLOAT,
  },
  tanh: { arrays: ['out', 'in'], run: (k, [o, x]) => k.tanh(o, x), tolerance: FLOAT },
  tanhBackward: {
    arrays: ['out', 'in', 'in'],
    run: (k, [dx, g, o]) => k.tanhBackward(dx, g, o),
    tolerance: FLOAT,
  },
  softmax: { arrays: ['out', 'in'], run: (k, [o, x], N) => k.softmax(o, x, ROWS, N), tolerance: FLOAT },
  softmaxBackward: {
    arrays: ['out', 'in', 'in'],
    run: (k, [dx, g, s], N) => k.softmaxBackward(dx, g, s, ROWS, N),
    tolerance: SUM,
  },
  crossEntropy: {
    arrays: ['in', 'in'],
    run: (k, [z, y], N) => k.crossEntropy(z, y, ROWS, N),
    tolerance: SUM,
  },
  bce: { arrays: ['in', 'in'], run: (k, [z, y]) => k.bce(z, y), tolerance: SUM },
  fusedLossBackward: {
    arrays: ['out', 'in', 'in'],
    run: (k, [dz, a, y]) => k.fusedLossBackward(dz, a, y, 0.25),
    tolerance: FLOAT,
  },
  momentum: {
    arrays: ['state', 'in', 'state'],
    run: (k, [w, g, v]) => k.momentum(w, g, v, 0.1, 0.9, 0.1, false, 0.375),
    tolerance: FLOAT,
  },
  nesterov: {
    arrays: ['state', 'in', 'state'],
    run: (k, [w, g, v]) => k.momentum(w, g, v, 0.1, 0.9, 1, true, 1),
    tolerance: FLOAT,
  },
  rmsprop: {
    arrays: ['state', 'in', 'pos'],
    run: (k, [w, g, s]) => k.adagrad(w, g, s, 0.01, 1e-8, 0.9, 0.1, 0.625),
    tolerance: FLOAT,
  },
  adam: {
    arrays: ['state', 'in', 'state', 'pos'],
    run: (k, [w, g, m, v]) =>
      k.adam(w, g, m, v, 0.01, 0.9, 0.999, 1e-8, 1 - 0.9 ** 3, 1 - 0.999 ** 3, 0.3125),
    tolerance: SUM, // where a denormal v flushes to 0 the step is lr m / eps: ill-conditioned
  },
  matmulAB: {
    arrays: ['out', 'in', 'in'],
    run: (k, [out, a, b], N) => k.matmulAB(out, a, b, 1, ROWS, N, true), // (1, ROWS) (ROWS, N)
    tolerance: SUM,
  },
};

const isDenormal = (x: number) => x !== 0 && Math.abs(x) < FLT_MIN;
const flush = (xs: Float32Array) => xs.map((x) => (isDenormal(x) ? 0 : x));

/** Random arrays for a case; with denormals, a quarter of the read values are denormal. */
function draw(c: Case, N: number, rng: Rng, denormals: boolean): Float32Array[] {
  return c.arrays.map((kind) =>
    Float32Array.from({ length: ROWS * N }, () => {
      if (denormals && kind !== 'out' && rng.int(4) === 0) return (rng.uniform() - 0.5) * FLT_MIN;
      return kind === 'pos' ? rng.uniform() : rng.uniformIn(-2, 2);
    }),
  );
}

/** Runs the case on k and on the reference (on flushed inputs if asked) and compares. */
function compare(k: Kernels, name: string, N: number, rng: Rng, denormals: boolean): Float32Array[] {
  const c = CASES[name];
  const inputs = draw(c, N, rng, denormals);
  const mine = inputs.map((x) => x.slice());
  const theirs = inputs.map((x) => (denormals ? flush(x) : x.slice()));
  const result = c.run(k, mine, N);
  const expected = c.run(referenceKernels, theirs, N);
  const close = (a: number, e: number) => Math.abs(a - e) <= c.tolerance * (1 + Math.abs(e));
  if (typeof expected === 'number' && !close(result as number, expected))
    expect.fail(`${name} N=${N}: returned ${result} vs ${expected}`);
  c.arrays.forEach((kind, j) => {
    if (kind === 'in') return expect(mine[j]).toEqual(inputs[j]); // inputs untouched
    for (let i = 0; i < mine[j].length; i++) {
      if (!close(mine[j][i], theirs[j][i]))
        expect.fail(`${name} N=${N} array ${j} [${i}]: ${mine[j][i]} vs ${theirs[j][i]}`);
    }
  });
  return mine.filter((_, j) => c.arrays[j] !== 'in');
}

describe.each(sets.map((k) => [k.name, k] as const))('%s streaming kernels', (_name, k) => {
  it.each(Object.keys(CASES))('%s agrees with the reference at odd lengths', (name) => {
    const rng = Rng.derive(21, name);
    for (const N of LENGTHS) compare(k, name, N, rng, false);
  });
});

describe.each(sets.map((k) => [k.name, k] as const))('%s optimizer state', (_name, k) => {
  it('flushes velocities and moments that decay below FLT_MIN to 0', () => {
    const tiny = () => Float32Array.of(2 * FLT_MIN, -2 * FLT_MIN);
    const [w, g] = [Float32Array.of(1, 1), new Float32Array(2)];
    const [v, s, m, u] = [tiny(), tiny().map(Math.abs), tiny(), tiny().map(Math.abs)];
    k.momentum(w, g, v, 0.1, 0.25, 1, false, 1);
    k.adagrad(w, g, s, 0.1, 1e-8, 0.25, 0.75, 1);
    k.adam(w, g, m, u, 0.1, 0.25, 0.25, 1e-8, 1, 1, 1);
    for (const state of [v, s, m, u]) expect([...state]).toEqual([0, 0]);
  });
});

describe.each(natives.map((k) => [k.name, k] as const))('%s denormals', (_name, k) => {
  it.each(Object.keys(CASES))('%s computes as on flushed inputs and writes no denormal', (name) => {
    const rng = Rng.derive(22, name);
    for (const N of LENGTHS) {
      for (const out of compare(k, name, N, rng, true))
        expect(out.filter(isDenormal)).toEqual(new Float32Array(0));
    }
  });

  it('flushes decaying velocities to zero, and leaves JavaScript with IEEE denormals', () => {
    const w = Float32Array.of(1, 1);
    const v = Float32Array.of(2 * FLT_MIN, -2 * FLT_MIN);
    k.momentum(w, new Float32Array(2), v, 0.1, 0.25, 1, false, 1);
    expect([...v]).toEqual([0, 0]); // 0.25 v is denormal: flushed
    expect(Math.fround(2 ** -130)).toBe(2 ** -130);
    expect(Float32Array.of(FLT_MIN / 4)[0]).toBe(FLT_MIN / 4);
  });
});
