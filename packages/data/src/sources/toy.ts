// Small built-in sets for first lessons: nothing to download, instantly trained, easy to plot.

import type { ResolvedSourceSpec } from '../spec.ts';
import type { RandomSource } from '../types.ts';
import type { RawSet, RawSource } from './raw.ts';

function table(origin: string, rows: number[][], labels: number[]): RawSet {
  return {
    x: Float32Array.from(rows.flat()),
    labels: Int32Array.from(labels),
    count: rows.length,
    features: rows[0].length,
    origin,
  };
}

/** The four XOR points, label = a xor b. Evaluated on the same four points: there are no others. */
export function xor(): RawSource {
  const set = table(
    'the xor points',
    [
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ],
    [0, 1, 1, 0],
  );
  return { train: set, test: set, classes: 2, range: null };
}

/** Lesson 001: (weight - 135 lb, height - 66 in) -> female = 1, tested on the same table. */
export function people(): RawSource {
  const set = table(
    'the people table',
    [
      [-2, -1], // Alice
      [25, 6], // Bob
      [17, 4], // Charlie
      [-15, -6], // Diana
    ],
    [1, 0, 0, 1],
  );
  return { train: set, test: set, classes: 2, range: null };
}

/**
 * Interleaved spiral arms, one per class: for t in [0, 1), radius t and angle 4t plus the arm's
 * offset plus Gaussian noise, so the arms are separable only by a curved boundary.
 */
function spiralSet(random: RandomSource, points: number, classes: number, noise: number): RawSet {
  const count = points * classes;
  const x = new Float32Array(count * 2);
  const labels = new Int32Array(count);
  for (let c = 0; c < classes; c++) {
    for (let i = 0; i < points; i++) {
      const n = c * points + i;
      const t = i / points;
      const angle = 4 * t + (2 * Math.PI * c) / classes + noise * random.normal();
      x[2 * n] = t * Math.cos(angle);
      x[2 * n + 1] = t * Math.sin(angle);
      labels[n] = c;
    }
  }
  return { x, labels, count, features: 2, origin: 'the spirals' };
}

/** Training arms, then an independent draw of test arms from the same random source. */
export function spirals(
  random: RandomSource,
  { points, classes, noise }: Extract<ResolvedSourceSpec, { kind: 'spirals' }>,
): RawSource {
  const train = spiralSet(random, points, classes, noise);
  const test = spiralSet(random, points, classes, noise);
  return { train, test, classes, range: null };
}
