// Which parameters matter: a factorial analysis of variance over a sweep's grid, the seeds of a cell
// as its replicates. For each factor (an axis of the grid, see sweepFactors) and each pair of
// factors, the sum of squares, its share of the total (eta squared), F against the within-cell
// (seed) variance and p. Interactions of three or more factors are reported together as one
// remainder. Exact for a balanced grid (every cell present with the same number of replicates),
// which balanceGrid makes of an unbalanced one, saying what it dropped. Pure functions, for the
// dashboard's server and browser alike.
import { canonicalJson } from './canonical.js';
import { formatParam, shortNames } from './format.js';
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
 * every combination of the remaining levels has a row, the level missing from the most cells (of a
 * factor the gaps depend on; of equals, the one with the fewest rows); then keeps the first r rows of every cell, r the fewest any cell has. Returns { levels (kept,
 * per factor, first-seen order), rows, replicates: r, droppedLevels: [{ factor, level }],
 * droppedRows: how many rows went in all, missingCells: the cells of the full grid (every level
 * seen) without a row, as [level per factor] }.
 */
export function balanceGrid(factorCount, rows) {
  const levels = Array.from({ length: factorCount }, (_, f) => [
    ...new Set(rows.map((row) => row.levels[f])),
  ]);
  const droppedLevels = [];
  let missingCells = null;
  let kept = rows;
  for (;;) {
    const present = new Set(kept.map((row) => cellKey(row.levels)));
    const cells = product(levels);
    const missing = cells.filter((cell) => !present.has(cellKey(cell)));
    const presentCells = cells.filter((cell) => present.has(cellKey(cell)));
    missingCells ??= missing;
    if (!missing.length) break;
    // Per level: the cells it is missing from, and the rows it would take with it.
    const byLevel = new Map();
    const entryOf = (factor, level) => {
      const key = `${factor}\u0000${level}`;
      if (!byLevel.has(key)) byLevel.set(key, { factor, level, cells: 0, rows: 0 });
      return byLevel.get(key);
    };
    for (const cell of missing) cell.forEach((level, factor) => entryOf(factor, level).cells++);
    for (const row of kept) row.levels.forEach((level, factor) => entryOf(factor, level).rows++);
    // Only a level of a factor the gaps depend on goes: one whose levels are missing from different
    // cells of the other factors. Dropping a level of any other factor (or a factor's last level,
    // which is in every cell) leaves the gaps as they were, fewer rows around them. Of the rest, the
    // level missing from the most cells; of equals, the one with the fewest rows.
    const shaping = new Set(levels.map((_, f) => f).filter((f) => gapsDependOn(levels, presentCells, f)));
    const worst = [...byLevel.values()]
      .filter((entry) => entry.cells && shaping.has(entry.factor))
      .reduce((a, b) => (b.cells > a.cells || (b.cells === a.cells && b.rows < a.rows) ? b : a), {
        cells: 0,
      });
    if (!worst.cells) break;
    levels[worst.factor] = levels[worst.factor].filter((l) => l !== worst.level);
    droppedLevels.push({ factor: worst.factor, level: worst.level });
    kept = kept.filter((row) => row.levels[worst.factor] !== worst.level);
  }
  const byCell = new Map();
  for (const row of kept) {
    const key = cellKey(row.levels);
    if (!byCell.has(key)) byCell.set(key, []);
    byCell.get(key).push(row);
  }
  const replicates = byCell.size ? Math.min(...[...byCell.values()].map((cell) => cell.length)) : 0;
  const balanced = [...byCell.values()].flatMap((cell) => cell.slice(0, replicates));
  return {
    levels,
    rows: balanced,
    replicates,
    droppedLevels,
    droppedRows: rows.length - balanced.length,
    missingCells,
  };
}

/**
 * Whether the present cells differ between the levels of factor f: for each of its levels, which
 * combinations of the other factors' levels have a cell. False for a factor with one level.
 */
function gapsDependOn(levels, presentCells, f) {
  const others = new Map(levels[f].map((level) => [level, []]));
  for (const cell of presentCells) others.get(cell[f]).push(cellKey(cell.filter((_, g) => g !== f)));
  const [first, ...rest] = [...others.values()].map((keys) => keys.sort().join('\u0001'));
  return rest.some((keys) => keys !== first);
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

/**
 * The factors of a sweep's analysis, one per axis of its grid as the runner builds the grid
 * (config/grid.ts, config/sample.ts), so that the analysis crosses exactly what the sweep crossed:
 * - a grid key is a factor;
 * - a link group is ONE factor whose levels are its linked tuples: its paths move together, and
 *   crossed as factors of their own most of their cells would never occur;
 * - the sampled params are one factor whose levels are the sampled points: a sampled point is a
 *   group, its seeds the replicates, as a grid point is (the runner draws the points once and runs
 *   each at every grid point and seed, so they cross the grid like one more axis).
 * Paths that do not vary across the runs are left out, and an axis left without one is no factor.
 * A varying path that no axis names (a config that does not say, as dev-db.ts writes) is a factor
 * of its own. spec: the sweep config's `sweep` section (undefined when there is none); varying:
 * the paths that vary, in the sweep's order, the seed among them (the replicate, never a factor).
 * Returns [{ name (the paths joined by "/"), paths, kind: 'grid' | 'link' | 'sample' }].
 */
export function sweepFactors(spec, varying) {
  const axes = [
    ...Object.keys(spec?.grid ?? {}).map((path) => ({ paths: [path], kind: 'grid' })),
    ...(spec?.link ?? []).map((group) => ({ paths: Object.keys(group), kind: 'link' })),
    ...(spec?.sample ? [{ paths: Object.keys(spec.sample.params), kind: 'sample' }] : []),
  ];
  const axisOf = new Map(axes.flatMap((axis) => axis.paths.map((path) => [path, axis])));
  const factors = new Map();
  for (const path of varying.filter((p) => p !== 'seed')) {
    const axis = axisOf.get(path) ?? { paths: [path], kind: 'grid' };
    const factor = factors.get(axis) ?? { paths: [], kind: axis.kind };
    factor.paths.push(path);
    factors.set(axis, factor);
  }
  return [...factors.values()].map((factor) => ({ name: factor.paths.join('/'), ...factor }));
}

/** How factors read: "lr/batchSize" for a link, "lr/wd (sampled point)", "hidden" (short names). */
export function factorLabels(factors) {
  const short = shortNamesOf(factors);
  return factors.map(
    (factor) =>
      factor.paths.map((path) => short.get(path)).join('/') +
      (factor.kind === 'sample' ? ' (sampled point)' : ''),
  );
}

const shortNamesOf = (factors) => {
  const paths = factors.flatMap((factor) => factor.paths);
  return new Map(shortNames(paths).map((name, i) => [paths[i], name]));
};

/** At most this many missing cells are named in a reason; the rest are counted. */
const CELLS_NAMED = 4;

/**
 * The analysis of variance of a sweep's runs over its factors (sweepFactors). runs: [{ params,
 * value }], those with a value of the metric. A run's level of a factor is the tuple of its values
 * of the factor's paths, compared by canonical JSON: arrays ([128, 64]) and objects ({ name: normal,
 * std: 0.1 }, optimizer specs) are levels as numbers are. Returns { runs: how many were analysed,
 * replicates, dropped: { cells: how many cells of the full grid had no run, levels: [{ factor
 * (name), level (label) }] left out, runs left out }, effects: [{ factors: [names], higherOrder, ss, df, f, p, eta2 }]
 * (largest eta2 first), residual: { ss, df }, total: { ss, df }, reason: why nothing could be
 * analysed, naming the factors and cells at fault; null when something was }.
 */
export function analyseFactors(factors, runs) {
  const short = shortNamesOf(factors);
  // Per factor, each level's label by its key: "hidden=[128,64]", "lr=0.025 batchSize=32".
  const labels = factors.map(() => new Map());
  const rows = runs.map((run) => ({
    levels: factors.map((factor, f) => {
      const values = factor.paths.map((path) => run.params[path] ?? null);
      const key = canonicalJson(values);
      if (!labels[f].has(key))
        labels[f].set(key, factor.paths.map((path, i) => formatParam(short.get(path), values[i])).join(' '));
      return key;
    }),
    value: run.value,
  }));
  const grid = balanceGrid(factors.length, rows);
  // Balancing may leave no run, and then there is no table to make.
  const table = grid.rows.length
    ? factorialAnova(grid.levels, grid.rows)
    : { effects: [], residual: { ss: 0, df: 0 }, total: { ss: 0, df: 0 } };
  const effects = table.effects
    .map((effect) => ({
      factors: effect.factors.map((f) => factors[f].name),
      higherOrder: effect.factors.length > 2,
      ss: effect.ss,
      df: effect.df,
      f: effect.f,
      p: effect.p,
      eta2: effect.eta2,
    }))
    .sort((a, b) => b.eta2 - a.eta2);
  const cellText = (cell) => cell.map((key, f) => labels[f].get(key)).join(', ');
  const droppedLevels = grid.droppedLevels.map(({ factor, level }) => ({
    factor: factors[factor].name,
    level: labels[factor].get(level),
  }));
  return {
    runs: grid.rows.length,
    replicates: grid.replicates,
    dropped: { cells: grid.missingCells.length, levels: droppedLevels, runs: grid.droppedRows },
    effects,
    residual: { ss: table.residual.ss, df: table.residual.df },
    total: table.total,
    reason: effects.length
      ? null
      : whyNotAnalysed(
          rows.length,
          factorLabels(factors),
          labels,
          grid.missingCells.map(cellText),
          droppedLevels.map(({ level }) => level),
        ),
  };
}

/**
 * Why the runs gave no effect to show: none with a value; no factor; every factor with one level
 * among them; or a grid with cells missing that leaving out levels filled only by leaving every
 * factor one level. withValue: how many runs have a value; names: the factors' labels; labels:
 * per factor, level labels by key; missing: the missing cells' labels; dropped: the labels of the
 * levels left out.
 */
function whyNotAnalysed(withValue, names, labels, missing, dropped) {
  if (!withValue) return 'No run has a value to analyse.';
  if (!names.length) return 'The sweep varies nothing but the seed: there is no param to compare.';
  if (!missing.length) {
    const only = names.map((name, f) => `${name} only ${[...labels[f].values()][0]}`);
    return `Every factor has one level among the runs with a value (${only.join('; ')}): there is nothing to compare.`;
  }
  const cells = labels.reduce((count, levels) => count * levels.size, 1);
  const named = missing.slice(0, CELLS_NAMED).map((cell) => `(${cell})`);
  if (missing.length > CELLS_NAMED) named.push(`${missing.length - CELLS_NAMED} more`);
  return (
    `The grid of ${names.join(' × ')} is not full: ${missing.length} of its ${cells} cells have no run with a value, ` +
    `${named.join(', ')}. Leaving out the levels missing from the most cells (${dropped.join(', ')}) ` +
    'to fill it left every factor with one level.'
  );
}
