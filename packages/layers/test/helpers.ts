// Test helpers: central-difference gradient checks in float32 and small data builders.
import { Rng, Tensor } from '@ablate/tensor';
import { expect } from 'vitest';

/**
 * Numerical gradient of f with respect to every entry of buf, by central differences. The step
 * actually taken is measured after rounding to float32, so the quotient is not biased by it.
 */
export function numericalGradient(f: () => number, buf: Float32Array, eps = 1e-3): Float64Array {
  const grad = new Float64Array(buf.length);
  for (let i = 0; i < buf.length; i++) {
    const orig = buf[i];
    buf[i] = orig + eps;
    const hiX = buf[i];
    const hi = f();
    buf[i] = orig - eps;
    const loX = buf[i];
    const lo = f();
    buf[i] = orig;
    grad[i] = (hi - lo) / (hiX - loX);
  }
  return grad;
}

/**
 * Worst |a - n| / (|a| + |n| + floor) over all entries: a relative error whose floor is 10% of
 * the largest gradient, so that float32 rounding noise on entries near zero (about 1e-5 of the
 * largest entry) does not count as a mismatch, while a wrong derivative still does.
 */
export function relativeError(analytic: ArrayLike<number>, numeric: ArrayLike<number>): number {
  let scale = 0;
  for (let i = 0; i < numeric.length; i++) scale = Math.max(scale, Math.abs(numeric[i]));
  const floor = 0.1 * scale + 1e-9;
  let worst = 0;
  for (let i = 0; i < analytic.length; i++) {
    const e = Math.abs(analytic[i] - numeric[i]) / (Math.abs(analytic[i]) + Math.abs(numeric[i]) + floor);
    worst = Math.max(worst, e);
  }
  return worst;
}

/** Float32 eps 1e-3 central differences agree with a correct backward to well under this. */
export const GRAD_TOLERANCE = 1e-2;

export function expectGradientsMatch(
  analytic: ArrayLike<number>,
  numeric: ArrayLike<number>,
  what: string,
): void {
  expect(relativeError(analytic, numeric), what).toBeLessThan(GRAD_TOLERANCE);
}

/** sum(out * r): a scalar objective whose gradient with respect to out is r. */
export function dot(out: Tensor, r: Tensor): number {
  let s = 0;
  for (let i = 0; i < out.size; i++) s += out.data[i] * r.data[i];
  return s;
}

export function randn(shape: number[], rng: Rng, std = 1): Tensor {
  const t = Tensor.zeros(shape);
  for (let i = 0; i < t.size; i++) t.data[i] = std * rng.normal();
  return t;
}
