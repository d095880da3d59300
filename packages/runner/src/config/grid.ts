// The sweep's axes (grid keys and link groups) and the points of their cartesian product.
import type { Fail } from './errors.ts';
import { canonicalJson } from '../view/canonical.js';
import { formatKeyPath, type KeyPath } from './key-path.ts';
import { didYouMean, retiredHint } from './suggest.ts';
import { sampleAxis } from './sample.ts';
import type { SweepSpec } from './types.ts';

/** One dimension of the grid: a single grid key, or a link group whose paths move together. */
export interface Axis {
  /** The dotted run-config paths this axis sets. */
  paths: string[];
  /** values[i][j] is the i-th value of paths[j]. */
  values: unknown[][];
  /** Where the axis is written: ["sweep", "grid"] or ["sweep", "link", k]; a value is at [...origin, path, i]. */
  origin: KeyPath;
}

/** Checks grid and link keys against the run config's paths (`runPaths`) and builds the axes. */
export function buildAxes(sweep: SweepSpec, runPaths: readonly string[], fail: Fail): Axis[] {
  const axes: Axis[] = [];
  const seen = new Map<string, KeyPath>();
  const claim = (path: string, origin: KeyPath, values?: unknown[]) => {
    const where = [...origin, path];
    if (path === 'seed') fail(where, 'key', 'seeds are set by sweep.seeds, not by the grid');
    checkRunPath(path, runPaths, where, fail, values);
    for (const [other, otherWhere] of seen) {
      if (other === path || other.startsWith(`${path}.`) || path.startsWith(`${other}.`)) {
        fail(where, 'key', `overlaps ${formatKeyPath(otherWhere)}; a path may vary in one place only`);
      }
    }
    seen.set(path, where);
  };
  for (const [path, values] of Object.entries(sweep.grid)) {
    claim(path, ['sweep', 'grid'], values);
    axes.push({ paths: [path], values: values.map((value) => [value]), origin: ['sweep', 'grid'] });
  }
  sweep.link.forEach((group, k) => {
    const origin = ['sweep', 'link', k];
    const entries = Object.entries(group);
    if (entries.length === 0)
      fail(origin, 'value', 'expected a map of paths to equal-length lists, found {}');
    const [firstPath, firstValues] = entries[0];
    for (const [path, values] of entries) {
      claim(path, origin, values);
      if (values.length !== firstValues.length) {
        fail(
          [...origin, path],
          'key',
          `has ${values.length} values but ${firstPath} has ${firstValues.length}; linked lists are zipped and need equal lengths`,
        );
      }
    }
    axes.push({
      paths: entries.map(([path]) => path),
      values: firstValues.map((_, i) => entries.map(([, values]) => values[i])),
      origin,
    });
  });
  for (const axis of axes) checkDistinct(axis, fail);
  // Innermost: every grid point runs every sampled point.
  const sampled = sampleAxis(sweep.sample, claim, fail);
  if (sampled) axes.push(sampled);
  return axes;
}

/** Fails at `where` unless `path` is a dotted path into the run config, suggesting the closest one. */
/** `value`, when known, is the path's value there (a grid's list), for the hint at a retired path. */
export function checkRunPath(
  path: string,
  runPaths: readonly string[],
  where: KeyPath,
  fail: Fail,
  value?: unknown,
): void {
  if (!runPaths.includes(path))
    fail(
      where,
      'key',
      `not a path into the run config${retiredHint(path, value) || didYouMean(path, runPaths)}`,
    );
}

// A repeated value would plan the same run twice.
function checkDistinct(axis: Axis, fail: Fail): void {
  const first = new Map<string, number>();
  axis.values.forEach((value, i) => {
    const key = canonicalJson(value);
    const earlier = first.get(key);
    if (earlier !== undefined)
      fail([...axis.origin, axis.paths[0], i], 'value', `repeats value ${earlier} (${key})`);
    first.set(key, i);
  });
}

/** Every combination of one value index per axis, first axis outermost (as nested loops read). */
export function gridPoints(axes: readonly Axis[]): number[][] {
  return axes.reduce<number[][]>(
    (points, axis) => points.flatMap((point) => axis.values.map((_, i) => [...point, i])),
    [[]],
  );
}

/** How many points the grid has, without listing them. */
export function gridSize(axes: readonly Axis[]): number {
  return axes.reduce((size, axis) => size * axis.values.length, 1);
}
