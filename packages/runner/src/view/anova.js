// Which parameters matter: a factorial analysis of variance over a sweep's grid, the seeds of a cell
// as its replicates. For each factor (a varying param) and each pair of factors, the sum of squares,
// its share of the total (eta squared), F against the within-cell (seed) variance and p. Interactions
// of three or more factors are reported together as one remainder. Exact for a balanced grid (every
// cell present with the same number of replicates), which balanceGrid makes of an unbalanced one,
// saying what it dropped. Pure functions, for the dashboard's server and browser alike.
import { regularizedIncompleteBeta } from './stats.js';

/** P(F > f) for the F distribution with d1 and d2 degrees of freedom. */
export function fSurvival(f, d1, d2) {
  if (!(f > 0)) return 1;
  if (f === Infinity) return 0;
  return regularizedIncompleteBeta(d2 / (d2 + d1 * f), d2 / 2, d1 / 2);
}

const cellKey = (levels) => levels.join('\u0000');

/**
 * rows: [{ levels: [level per factor (any string)], value }], in replicate order. Drops, until
 * every combination of the remaining levels has a row, the level missing from the most cells;
 * then keeps the first r rows of every cell, r the fewest any cell has. Returns { levels (kept,
 * per factor, first-seen order), rows, replicates: r, droppedLevels: [{ factor, level }],
 * droppedRows: how many rows went in all }.
 */
export function balanceGrid(factorCount, rows) {
  const levels = Array.from({ length: factorCount }, (_, f) => [
    ...new Set(rows.map((row) => row.levels[f])),
  ]);
  const droppedLevels = [];
  let kept = rows;
  for (;;) {
    const present = new Set(kept.map((row) => cellKey(row.levels)));
    const missingByLevel = new Map();
    let missing = 0;
    for (const cell of product(levels)) {
      if (present.has(cellKey(cell))) continue;
      missing++;
      cell.forEach((level, f) => {
        const key = `${f}\u0000${level}`;
        missingByLevel.set(key, (missingByLevel.get(key) ?? 0) + 1);
      });
    }
    if (!missing) break;
    const [worst] = [...missingByLevel].reduce((a, b) => (b[1] > a[1] ? b : a));
    const [f, level] = [Number(worst.split('\u0000')[0]), worst.slice(worst.indexOf('\u0000') + 1)];
    levels[f] = levels[f].filter((l) => l !== level);
    droppedLevels.push({ factor: f, level });
    kept = kept.filter((row) => row.levels[f] !== level);
  }
  const byCell = new Map();
  for (const row of kept) {
    const key = cellKey(row.levels);
    if (!byCell.has(key)) byCell.set(key, []);
    byCell.get(key).push(row);
  }
  const replicates = byCell.size ? Math.min(...[...byCell.values()].map((cell) => cell.length)) : 0;
  const balanced = [...byCell.values()].flatMap((cell) => cell.slice(0, replicates));
  return { levels, rows: balanced, replicates, droppedLevels, droppedRows: rows.length - balanced.length };
}

/** Every combination of one level per factor. */
function product(levels) {
  return levels.reduce((cells, options) => cells.flatMap((cell) => options.map((o) => [...cell, o])), [[]]);
}

/** Sum over the groups of rows sharing the levels of `factors` of n (group mean - grand mean)^2. */
function betweenSS(rows, factors, grand) {
  const groups = new Map();
  for (const row of rows) {
    const key = cellKey(factors.map((f) => row.levels[f]));
    const group = groups.get(key) ?? { sum: 0, n: 0 };
    group.sum += row.value;
    group.n++;
    groups.set(key, group);
  }
  let ss = 0;
  for (const { sum, n } of groups.values()) ss += n * (sum / n - grand) ** 2;
  return ss;
}

/**
 * The analysis of a balanced grid (balanceGrid's output): { effects: [{ factors: [indices],
 * ss, df, ms, f, p, eta2 }] (each factor, each pair, then the remainder of higher-order
 * interactions when there are three factors or more), residual: { ss, df, ms }, total: { ss, df } }.
 * F and p are null without replicates to estimate the within-cell variance from (one per cell).
 */
export function factorialAnova(levels, rows) {
  const n = rows.length;
  const grand = rows.reduce((sum, row) => sum + row.value, 0) / n;
  const total = rows.reduce((sum, row) => sum + (row.value - grand) ** 2, 0);
  const factors = levels.map((_, f) => f);
  const cells = betweenSS(rows, factors, grand);
  const residual = { ss: total - cells, df: n - levels.reduce((count, l) => count * l.length, 1) };
  residual.ms = residual.df > 0 ? residual.ss / residual.df : null;
  const mains = factors.map((f) => ({
    factors: [f],
    ss: betweenSS(rows, [f], grand),
    df: levels[f].length - 1,
  }));
  const pairs = factors.flatMap((a) =>
    factors
      .filter((b) => b > a)
      .map((b) => ({
        factors: [a, b],
        ss: betweenSS(rows, [a, b], grand) - mains[a].ss - mains[b].ss,
        df: mains[a].df * mains[b].df,
      })),
  );
  const effects = [...mains, ...pairs];
  if (levels.length > 2) {
    const df =
      levels.reduce((count, l) => count * l.length, 1) - 1 - effects.reduce((sum, e) => sum + e.df, 0);
    effects.push({ factors, ss: cells - effects.reduce((sum, e) => sum + e.ss, 0), df });
  }
  return {
    // A factor left with one level (or a pair with one) explains nothing and has no test.
    effects: effects
      .filter((effect) => effect.df > 0)
      .map((effect) => {
        const ms = effect.ss / effect.df;
        const f = residual.ms ? ms / residual.ms : null;
        return {
          ...effect,
          ss: Math.max(0, effect.ss),
          ms,
          f,
          p: f === null ? null : fSurvival(f, effect.df, residual.df),
          eta2: total > 0 ? Math.max(0, effect.ss) / total : 0,
        };
      }),
    residual,
    total: { ss: total, df: n - 1 },
  };
}
