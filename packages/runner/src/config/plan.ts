// From a sweep file (or the object a script writes in its place) to its planned runs: validate it,
// expand the grid, resolve and check every run, and give each its content-hash id. Pure: nothing
// here reads data, measures the machine or writes anything; the checks that need the data run once
// it is prepared (SweepPlan.checkRun).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import type { z } from 'zod';
import type { DataSpec } from '@ablate/data';
import { ConfigError, RunIssue, show, type Fail } from './errors.ts';
import { buildAxes, checkRunPath, gridPoints, gridSize, type Axis } from './grid.ts';
import { hashConfig } from '../db/identity.ts';
import type { PlannedRunRecord } from '../db/records.ts';
import { canonicalJson } from '../view/canonical.js';
import { resolveComponents } from './components.ts';
import { describeIssue } from './issues.ts';
import { formatKeyPath, valueAt, type KeyPath } from './key-path.ts';
import { formatLabel } from './label.ts';
import { applyOverride, parseOverride } from './overrides.ts';
import { keyPaths, runSchema, sweepSchema } from './schema.ts';
import type { RunConfig, SweepConfig } from './types.ts';
import { checkRun } from './validate-run.ts';
import { readYaml, type YamlSource } from './yaml-location.ts';
import { dependsOnLength } from './schedule.ts';
import { checkPruneRule, type PruneRule } from './prune-rule.ts';

/** A run as planning makes it: the store's planned-run record, its config typed. */
export type PlannedRun = PlannedRunRecord<RunConfig>;

export interface SweepPlan {
  name: string;
  /** The sweep file, absolute; null for a plan made from an object (planSweep). */
  path: string | null;
  /** The file's text; for a plan made from an object, the object as YAML. */
  yaml: string;
  /** The validated sweep config, defaults filled, JSON-safe. */
  config: SweepConfig;
  /** Hash of `config`. */
  configHash: string;
  /** The dotted paths that vary across runs, "seed" last (always present). */
  varying: string[];
  /** The runs to train: the first `maxRuns` of the plan when a cap applies. */
  runs: PlannedRun[];
  /** How many runs the sweep expands to before any cap. */
  total: number;
  /**
   * Runs a check of one run that needs more than the file (its prepared data, say), turning the
   * RunIssue it may throw into a ConfigError located in the sweep file, as planning's own are.
   */
  checkRun<T>(run: PlannedRun, check: () => T): T;
}

export interface PlanOptions {
  /** Overrides sweep.maxRuns (e.g. from the command line): run the first N runs in plan order. */
  maxRuns?: number;
  /** `path=value` arguments written over the file before it is validated (./overrides.ts). */
  overrides?: readonly string[];
}

/** Without a cap (sweep.maxRuns or --max-runs), a sweep larger than this is refused as probably a mistake. */
const DEFAULT_MAX_RUNS = 200;
/** Grids larger than this are refused before their points are listed. */
const MAX_GRID_POINTS = 1e6;

// Grid keys may name any run-config path but the seed, which sweep.seeds sets.
const RUN_PATHS = keyPaths(runSchema).filter((p) => p !== 'seed');
const SWEEP_PATHS = keyPaths(sweepSchema);

/** Reads and plans a sweep file; every problem, an unreadable file included, is a ConfigError. */
export function loadSweep(file: string, options: PlanOptions = {}): SweepPlan {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(
      `${file}: cannot read the sweep file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  return parseSweep(text, file, options);
}

/** Plans a sweep from its YAML text; `file` names it in messages and anchors its relative paths. */
export function parseSweep(text: string, file: string, options: PlanOptions = {}): SweepPlan {
  return planSource(readYaml(text, file), text, path.resolve(file), options);
}

/** What messages name a sweep config given as an object, where a file's would give its line and column. */
const OBJECT_SOURCE = 'sweep config';

/**
 * Plans a sweep from a plain object shaped as a sweep file (what parsing its YAML would give), as a
 * script writes one; errors are the file's, located by key path ("sweep config: train.lr: ...").
 * Relative data paths are taken from the current folder. The object is not modified.
 */
export function planSweep(config: unknown, options: PlanOptions = {}): SweepPlan {
  const source = { value: structuredClone(config), locate: () => OBJECT_SOURCE };
  return planSource(source, stringify(config), null, options);
}

/** Plans the sweep `source` holds; `text` is what the store records of it, `file` its file (if any). */
function planSource(source: YamlSource, text: string, file: string | null, options: PlanOptions): SweepPlan {
  const overrides = (options.overrides ?? []).map(parseOverride);
  if (overrides.length > 0 && !isMap(source.value))
    throw new ConfigError(
      `${source.locate([], 'value')}: expected a map of keys to override, found ${show(source.value)}`,
    );
  const written = overrides.map((override) => ({
    arg: override.arg,
    at: applyOverride(source.value as Record<string, unknown>, override),
  }));
  const fail: Fail = (at, side, message) => {
    const key = at.length > 0 ? `${formatKeyPath(at)}: ` : '';
    // A problem inside what an argument wrote is the argument's: the file never said it.
    const under = (o: (typeof written)[number]) =>
      o.at.every((k, i) => at[i] === k) || (at.length > 0 && at.every((k, i) => o.at[i] === k));
    const by = written.findLast(under);
    throw new ConfigError(`${by ? `argument ${by.arg}` : source.locate(at, side)}: ${key}${message}`);
  };
  const baseDir = file === null ? process.cwd() : path.dirname(file);
  const parsed = validate(sweepSchema, source.value, SWEEP_PATHS, fail);
  const config: SweepConfig = {
    ...parsed,
    data: resolveDataPaths(parsed.data, baseDir),
    model: resolveComponents(parsed.model, baseDir, fail),
  };
  const axes = buildAxes(config.sweep, RUN_PATHS, fail);
  const seeds = config.sweep.seeds;

  // Exclusions only shrink the grid, but listing millions of points to find out how far is pointless.
  if (gridSize(axes) > MAX_GRID_POINTS)
    fail(['sweep'], 'key', `the grid has ${gridSize(axes)} points, more than ${MAX_GRID_POINTS}`);

  const base = { data: config.data, model: config.model, train: config.train };
  const points = applyExclusions(gridPoints(axes), axes, base, config.sweep.exclude, fail);
  const cap = options.maxRuns ?? config.sweep.maxRuns;
  const total = points.length * seeds.length;
  if (cap === undefined && total > DEFAULT_MAX_RUNS)
    fail(
      ['sweep'],
      'key',
      `the sweep expands to ${total} runs, more than ${DEFAULT_MAX_RUNS}; set sweep.maxRuns (or --max-runs) to run the first N of them`,
    );

  const varyingPaths = new Set(axes.flatMap((axis) => axis.paths));
  const configs = points.map((point) => resolveRun(point, axes, base, baseDir, fail));
  if (config.sweep.prune) checkPrune(config.sweep.prune, configs, fail);
  const differs = (p: string) =>
    new Set(configs.map((run) => canonicalJson(valueAt(run, p.split('.'))))).size > 1;
  const varying = [...varyingPaths].filter(differs).concat('seed');
  // Seed outermost: a sweep stopped halfway has still covered every grid point once.
  const runs = seeds.flatMap((seed) => configs.map((run) => ({ ...run, seed })));
  const plan = runs.map((run, position) => plannedRun(run, varying, position));
  checkUnique(plan, fail);
  // A cap keeps the first runs in plan order: with seeds outermost, the whole grid once before any
  // point runs a second seed.
  const kept = cap === undefined ? plan : plan.slice(0, cap);
  return {
    name: config.name,
    path: file,
    // The overrides are part of what was run: recorded with the text, as the comment they would be.
    yaml:
      overrides.length > 0
        ? `${text.trimEnd()}\n# command-line overrides:\n${overrides.map((o) => `#   ${o.arg}\n`).join('')}`
        : text,
    config,
    configHash: hashConfig(config),
    varying,
    runs: kept,
    total,
    // Seeds outermost: a run's grid point is its position modulo the number of points.
    checkRun: (run, check) => reportIssue(check, failInRun(points[run.position % points.length], axes, fail)),
  };
}

const isMap = (value: unknown) => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Parses `value`, turning the first issue into a located ConfigError. */
function validate<T extends z.ZodType>(
  schema: T,
  value: unknown,
  paths: readonly string[],
  fail: Fail,
): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  // The keys below an object path, relative to it, nested ones included ("optimizer.momentum").
  const keysAt = (at: KeyPath) => {
    const prefix = at.filter((key) => typeof key === 'string').join('.');
    return prefix === ''
      ? [...paths]
      : paths.filter((p) => p.startsWith(`${prefix}.`)).map((p) => p.slice(prefix.length + 1));
  };
  const issue = describeIssue(result.error.issues[0], value, keysAt);
  return fail(issue.path, issue.at, issue.message);
}

// File paths in the data spec are relative to the sweep file, so a sweep runs the same from any directory.
function resolveDataPaths<T extends DataSpec>(data: T, baseDir: string): T {
  const source = { ...data.source };
  if (source.kind === 'mnist' && source.dir) source.dir = path.resolve(baseDir, source.dir);
  if (source.kind === 'csv') {
    source.train = path.resolve(baseDir, source.train);
    if (source.test) source.test = path.resolve(baseDir, source.test);
  }
  return { ...data, source };
}

/** The base config with one grid point's values written over it (a fresh copy). */
function assign(base: object, point: readonly number[], axes: readonly Axis[]): Record<string, unknown> {
  const config = structuredClone(base) as Record<string, unknown>;
  axes.forEach((axis, a) =>
    axis.paths.forEach((p, j) => {
      const keys = p.split('.');
      const parent = keys.slice(0, -1).reduce<Record<string, unknown>>((node, key) => {
        if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
        return node[key] as Record<string, unknown>;
      }, config);
      parent[keys[keys.length - 1]] = structuredClone(axis.values[point[a]][j]);
    }),
  );
  return config;
}

function applyExclusions(
  points: number[][],
  axes: readonly Axis[],
  base: object,
  exclude: readonly Record<string, unknown>[],
  fail: Fail,
): number[][] {
  exclude.forEach((entry, k) =>
    Object.entries(entry).forEach(([p, value]) =>
      checkRunPath(p, RUN_PATHS, ['sweep', 'exclude', k, p], fail, value),
    ),
  );
  const used = new Set<number>();
  const kept = points.filter((point) => {
    const config = assign(base, point, axes);
    const k = exclude.findIndex((entry) =>
      Object.entries(entry).every(
        ([p, value]) => canonicalJson(valueAt(config, p.split('.'))) === canonicalJson(value),
      ),
    );
    if (k >= 0) used.add(k);
    return k < 0;
  });
  // An exclusion that drops nothing is almost always a misspelt value.
  exclude.forEach((entry, k) => {
    if (!used.has(k)) fail(['sweep', 'exclude', k], 'value', `matches no grid point: ${show(entry)}`);
  });
  return kept;
}

/** Validates one grid point as a full run (seed aside), without touching its data. */
function resolveRun(
  point: readonly number[],
  axes: readonly Axis[],
  base: object,
  baseDir: string,
  fail: Fail,
): Omit<RunConfig, 'seed'> {
  const runFail = failInRun(point, axes, fail);
  const { seed: _seed, ...run } = validate(
    runSchema,
    { ...assign(base, point, axes), seed: 0 },
    RUN_PATHS,
    runFail,
  );
  run.data = resolveDataPaths(run.data, baseDir);
  run.model = resolveComponents(run.model, baseDir, runFail);
  reportIssue(() => checkRun(run), runFail);
  return run;
}

/**
 * A pruning rule fits every run (prune-rule.ts' checkPruneRule), and has groups to compare: the
 * unit it stops is a grid point over its seeds, so a sweep of one point has nothing to prune.
 */
function checkPrune(rule: PruneRule, configs: ReadonlyArray<Omit<RunConfig, 'seed'>>, fail: Fail): void {
  if (configs.length < 2)
    fail(['sweep', 'prune'], 'key', 'expected a sweep of more than one group to prune, found one grid point');
  for (const run of configs) {
    try {
      checkPruneRule(rule, { epochs: run.train.epochs, validation: Boolean(run.data.validation) });
    } catch (error) {
      if (!(error instanceof RunIssue)) throw error;
      const at = error.path.split('.').map((key) => (/^\d+$/.test(key) ? Number(key) : key));
      fail(at, 'value', error.message);
    }
  }
}

/** Runs a check, turning the RunIssue it may throw into a located ConfigError. */
function reportIssue<T>(check: () => T, runFail: Fail): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof RunIssue) runFail(error.path.split('.'), 'value', error.message);
    throw error;
  }
}

/**
 * Reports a problem of the run at this grid point: at the grid value that caused it when the
 * faulty path varies, else at the base config's key, naming the run's grid values.
 */
function failInRun(point: readonly number[], axes: readonly Axis[], fail: Fail): Fail {
  const locateInGrid = (at: KeyPath) => {
    for (const [a, axis] of axes.entries()) {
      for (const p of axis.paths) {
        const keys = p.split('.');
        const covers = keys.every((key, i) => i >= at.length || at[i] === key);
        if (covers) return [...axis.origin, p, point[a], ...at.slice(keys.length)];
      }
    }
    return at;
  };
  return (at, side, message) => {
    const values = axes.flatMap((axis, a) =>
      axis.paths.map((p, j) => `${p}=${show(axis.values[point[a]][j])}`),
    );
    return fail(
      locateInGrid(at),
      side,
      values.length > 0 ? `${message} (in the run with ${values.join(' ')})` : message,
    );
  };
}

/**
 * A run's lineage (PlannedRunRecord.lineage): its config's hash without train.epochs, so that the
 * same run trained longer has the same lineage; null when its epochs depend on its length.
 */
function lineageOf(config: RunConfig): string | null {
  if (dependsOnLength(config.train.schedule)) return null;
  const { epochs: _epochs, ...train } = config.train;
  return hashConfig({ ...config, train });
}

function plannedRun(config: RunConfig, varying: readonly string[], position: number): PlannedRun {
  const { seed, ...withoutSeed } = config;
  const params = Object.fromEntries(varying.map((p) => [p, valueAt(config, p.split('.'))]));
  return {
    id: hashConfig(config),
    groupId: hashConfig(withoutSeed),
    seed,
    label: formatLabel(params),
    params,
    position,
    config,
    lineage: lineageOf(config),
  };
}

// Duplicate seeds, or grid values that validate to the same thing, would plan one run twice.
function checkUnique(runs: readonly PlannedRun[], fail: Fail): void {
  const seen = new Map<string, PlannedRun>();
  for (const run of runs) {
    const earlier = seen.get(run.id);
    if (earlier)
      fail(['sweep'], 'key', `runs ${earlier.position} and ${run.position} are the same run (${run.label})`);
    seen.set(run.id, run);
  }
}
