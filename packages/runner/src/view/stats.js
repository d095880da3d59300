// Summary statistics and significance tests, for the runner's closing table, the dashboard's
// aggregates and the browser (comparing two ablation cells). Pure functions over arrays of numbers.

export function mean(values) {
  return values.length ? values.reduce((sum, v) => sum + v, 0) / values.length : NaN;
}

/** Sample standard deviation (n - 1); 0 for a single value, so one seed draws no band. */
export function std(values) {
  if (values.length < 2) return values.length ? 0 : NaN;
  const m = mean(values);
  return Math.sqrt(values.reduce((sum, v) => sum + (v - m) ** 2, 0) / (values.length - 1));
}

/** ln Γ(x) for x > 0 (Lanczos approximation, g = 7, n = 9; ~15 significant digits). */
export function logGamma(x) {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = c[0];
  for (let i = 1; i < 9; i++) sum += c[i] / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** The regularized incomplete beta function I_x(a, b), by Lentz's continued fraction. */
export function regularizedIncompleteBeta(x, a, b) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  // The fraction converges fast only for x < (a + 1) / (a + b + 2); use the symmetry otherwise.
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(x, a, b)) / a;
  return 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
}

function betaContinuedFraction(x, a, b) {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  d = 1 / (Math.abs(d) < tiny ? tiny : d);
  let result = d;
  for (let m = 1; m <= 300; m++) {
    for (const numerator of [
      (m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m)),
      (-(a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1)),
    ]) {
      d = 1 + numerator * d;
      d = 1 / (Math.abs(d) < tiny ? tiny : d);
      c = 1 + numerator / c;
      if (Math.abs(c) < tiny) c = tiny;
      result *= c * d;
    }
    if (Math.abs(c * d - 1) < 1e-15) break;
  }
  return result;
}

/** P(T <= t) for Student's t with df degrees of freedom (df may be fractional, as Welch's is). */
export function studentTCdf(t, df) {
  const tail = 0.5 * regularizedIncompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** The t with P(T <= t) = probability for Student's t with df degrees of freedom (by bisection). */
export function studentTQuantile(probability, df) {
  if (probability === 0.5) return 0;
  if (probability < 0.5) return -studentTQuantile(1 - probability, df);
  // The cdf is monotone: double the bracket until it holds the answer, then halve it to the last bit.
  let high = 1;
  while (studentTCdf(high, df) < probability) high *= 2;
  let low = 0;
  for (let i = 0; i < 200 && high - low > 1e-12 * high; i++) {
    const middle = (low + high) / 2;
    if (studentTCdf(middle, df) < probability) low = middle;
    else high = middle;
  }
  return (low + high) / 2;
}

/**
 * Welch's unequal-variances t-test of mean(a) vs mean(b), two-sided.
 * Needs at least two values on each side; returns null otherwise (no variance to test with).
 */
export function welchTTest(a, b) {
  if (a.length < 2 || b.length < 2) return null;
  const varA = std(a) ** 2 / a.length;
  const varB = std(b) ** 2 / b.length;
  const difference = mean(a) - mean(b);
  if (varA + varB === 0)
    return {
      t: difference === 0 ? 0 : Math.sign(difference) * Infinity,
      df: a.length + b.length - 2,
      p: difference === 0 ? 1 : 0,
      difference,
    };
  const t = difference / Math.sqrt(varA + varB);
  const df = (varA + varB) ** 2 / (varA ** 2 / (a.length - 1) + varB ** 2 / (b.length - 1));
  const p = regularizedIncompleteBeta(df / (df + t * t), df / 2, 0.5);
  return { t, df, p, difference };
}

/** A deterministic PRNG (mulberry32), so a bootstrap CI is the same on every reload. */
function seededRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let r = Math.imul(state ^ (state >>> 15), 1 | state);
    r ^= r + Math.imul(r ^ (r >>> 7), 61 | r);
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

/** Percentile bootstrap confidence interval of mean(a) - mean(b). */
export function bootstrapDifferenceCI(a, b, { resamples = 2000, confidence = 0.95, seed = 1 } = {}) {
  if (!a.length || !b.length) return null;
  const random = seededRandom(seed);
  const resampleMean = (values) => {
    let sum = 0;
    for (let i = 0; i < values.length; i++) sum += values[Math.floor(random() * values.length)];
    return sum / values.length;
  };
  const differences = Array.from({ length: resamples }, () => resampleMean(a) - resampleMean(b)).sort(
    (x, y) => x - y,
  );
  const tail = (1 - confidence) / 2;
  const at = (q) => differences[Math.min(resamples - 1, Math.max(0, Math.round(q * (resamples - 1))))];
  return { low: at(tail), high: at(1 - tail), difference: mean(a) - mean(b) };
}

/** Exponential moving average with TensorBoard's debiasing, so early points are not pulled to 0. */
export function smoothEma(values, weight) {
  if (!(weight > 0)) return values.slice();
  let last = 0;
  let count = 0;
  return values.map((value) => {
    if (value === null || !Number.isFinite(value)) return value;
    count++;
    last = last * weight + (1 - weight) * value;
    return last / (1 - weight ** count);
  });
}
