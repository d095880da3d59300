import { describe, expect, it } from 'vitest';
import {
  bootstrapDifferenceCI,
  mean,
  regularizedIncompleteBeta,
  smoothEma,
  std,
  studentTCdf,
  welchTTest,
} from './stats.js';

describe('regularized incomplete beta', () => {
  it('matches closed forms: I_x(1,1) = x, I_x(a,1) = x^a, I_x(1,b) = 1-(1-x)^b', () => {
    expect(regularizedIncompleteBeta(0.3, 1, 1)).toBeCloseTo(0.3, 12);
    expect(regularizedIncompleteBeta(0.6, 3, 1)).toBeCloseTo(0.6 ** 3, 12);
    expect(regularizedIncompleteBeta(0.2, 1, 4)).toBeCloseTo(1 - 0.8 ** 4, 12);
  });

  it('matches scipy.special.betainc', () => {
    expect(regularizedIncompleteBeta(0.4, 2, 3)).toBeCloseTo(0.5248, 10);
    expect(regularizedIncompleteBeta(0.3, 0.5, 0.5)).toBeCloseTo(0.36901011956554536, 10);
    expect(regularizedIncompleteBeta(0.35, 10, 20)).toBeCloseTo(0.5923866636639051, 10);
  });

  it('is 0 and 1 at the ends', () => {
    expect(regularizedIncompleteBeta(0, 2, 3)).toBe(0);
    expect(regularizedIncompleteBeta(1, 2, 3)).toBe(1);
  });
});

describe('Student t CDF', () => {
  it('matches the closed forms for 1 and 2 degrees of freedom', () => {
    // df = 1 is the Cauchy distribution: 1/2 + atan(t)/pi.
    for (const t of [-3, -0.5, 0, 1, 4])
      expect(studentTCdf(t, 1)).toBeCloseTo(0.5 + Math.atan(t) / Math.PI, 12);
    // df = 2: 1/2 + t / (2 sqrt(2 + t^2)).
    for (const t of [-2, 0.3, 2, 10])
      expect(studentTCdf(t, 2)).toBeCloseTo(0.5 + t / (2 * Math.sqrt(2 + t * t)), 12);
  });

  it('matches table values and scipy.stats.t.cdf, fractional df included', () => {
    expect(studentTCdf(2.228, 10)).toBeCloseTo(0.9749941140914443, 10); // the 97.5% quantile of t(10)
    expect(studentTCdf(-1.5, 3.7)).toBeCloseTo(0.10679908460100675, 10);
    expect(studentTCdf(0.5, 2.5)).toBeCloseTo(0.6711510400651426, 10);
    expect(studentTCdf(4, 30)).toBeCloseTo(0.9998090771819581, 10);
  });
});

describe("Welch's t-test", () => {
  it("reproduces Wikipedia's Welch example 1 (t = -2.46, df = 25.0, p = 0.021), as scipy does", () => {
    const a1 = [27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4];
    const a2 = [27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4];
    const result = welchTTest(a1, a2)!;
    expect(result.t).toBeCloseTo(-2.455356398286006, 10);
    expect(result.df).toBeCloseTo(24.988529290231416, 10);
    expect(result.p).toBeCloseTo(0.021378001462866992, 10);
  });

  it('matches a small example worked by hand: t = -3/sqrt(2.5), df = 6.25/1.0625', () => {
    const result = welchTTest([1, 2, 3, 4, 5], [2, 4, 6, 8, 10])!;
    expect(result.t).toBeCloseTo(-3 / Math.sqrt(2.5), 12);
    expect(result.df).toBeCloseTo(6.25 / 1.0625, 12);
    expect(result.p).toBeCloseTo(0.10753119493062728, 10);
    expect(result.difference).toBe(-3);
  });

  it('needs two values a side, and says p = 1 for identical constant samples', () => {
    expect(welchTTest([1], [2, 3])).toBeNull();
    expect(welchTTest([2, 2], [2, 2])!.p).toBe(1);
    expect(welchTTest([1, 1], [2, 2])!.p).toBe(0);
  });
});

describe('summaries and smoothing', () => {
  it('mean and sample std', () => {
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    expect(std([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(Math.sqrt(32 / 7), 12);
    expect(std([3])).toBe(0);
  });

  it('bootstrap CI brackets a clear difference and is reproducible', () => {
    const a = [0.95, 0.951, 0.949, 0.952];
    const b = [0.9, 0.902, 0.899, 0.901];
    const ci = bootstrapDifferenceCI(a, b)!;
    expect(ci.low).toBeGreaterThan(0.04);
    expect(ci.high).toBeLessThan(0.06);
    expect(bootstrapDifferenceCI(a, b)).toEqual(ci);
  });

  it('EMA with debiasing: weight 0 is identity, a constant stays constant, gaps stay gaps', () => {
    expect(smoothEma([1, 5, 2], 0)).toEqual([1, 5, 2]);
    for (const value of smoothEma([3, 3, 3, 3], 0.9)) expect(value).toBeCloseTo(3, 12);
    expect(smoothEma([1, null, 3], 0.5)[1]).toBeNull();
  });
});
