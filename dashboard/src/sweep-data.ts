// A sweep as the API serves it: its record, its runs (params, status, results) and which metrics
// have values. Every route of a sweep page needs it, so it is read once per change of the sweep
// (the store's change token) and shared: one refresh of the page loads it once, whatever the
// number of sections asking.
import type {
  PruneRecord,
  ResultsReader,
  RunStatus,
  StoredEpoch,
  StoredLayerStats,
  SweepRun,
} from '@ablate/runner/store';
import { sameValue } from '@ablate/runner/view/diff.js';
import { notFound } from './http-error.ts';
import type { SweepKey } from './params.ts';
import { readUnion, type UnionInfo } from './union.ts';
import {
  CURVE_METRICS,
  EPOCH_METRICS,
  type EpochMetric,
  FINAL_METRICS,
  metricChoice,
  type CurveMetric,
  type FinalMetric,
  type MetricChoice,
} from './metric-choices.ts';

export type ParamValue = string | number | boolean | null | unknown[];
export type Params = Record<string, ParamValue>;

/**
 * A run as the API lists it; `results` holds its final, best and test values (the store's
 * RunResults); `prune` the decision that pruned it (null for any run not pruned).
 */
export type ApiRun = Omit<SweepRun, 'results' | 'params'> & {
  params: Params;
  results: Record<FinalMetric, number | null>;
  prune: PruneRecord | null;
};

/** The thresholds a sweep's prune decisions compared with at one rung, by rule and metric (ascending). */
export interface PruneRung {
  rule: string;
  metric: string;
  rung: number;
  thresholds: number[];
}

export interface SweepWithRuns {
  /** The sweep's id; sweeps side by side: their ids joined by "+" (union.ts). */
  id: number | string;
  /** The sweeps whose runs these are: this one, or those side by side. */
  members: number[];
  /** Sweeps side by side: what they are, how their files differ, what was not pooled; else null. */
  union: UnionInfo | null;
  /**
   * Which read of the sweep this is (a counter per server): a page passes it back with ?version=
   * while it pages, sorts and filters the runs it is showing, which then come from the same read
   * without asking the store for its change token again (tens of ms at 10,000 runs on PostgreSQL;
   * the SQLite reader computes one only after another connection has written).
   */
  version: number;
  name: string;
  createdAt: string;
  updatedAt: string;
  configPath: string | null;
  configYaml: string;
  /** The config paths that vary across runs, in the YAML's order ("seed" included). */
  varying: string[];
  /** Each varying path's values, in grid order. */
  values: Record<string, ParamValue[]>;
  runs: ApiRun[];
  statusCounts: Partial<Record<RunStatus, number>>;
  metrics: SweepMetrics;
  /** Each rung's thresholds, from the decisions of its pruned runs, by rung: what the curves mark. */
  pruneRungs: PruneRung[];
}

/** Which metrics have values in a sweep, so pages offer and default to those (see metric-choices.ts). */
export interface SweepMetrics {
  curves: MetricChoice<CurveMetric>;
  final: MetricChoice<FinalMetric>;
}

let reads = 0;

export async function readSweep(store: ResultsReader, sweepId: number): Promise<SweepWithRuns> {
  const [sweep, storedRuns, counts, decisions] = await Promise.all([
    store.sweep(sweepId),
    store.sweepRuns(sweepId),
    store.epochMetricCounts(sweepId),
    store.pruneDecisionsOfSweep(sweepId),
  ]);
  if (!sweep) throw notFound(`no sweep ${sweepId}`);
  const decisionOf = new Map(decisions.map(({ run_id, ...decision }) => [run_id, decision]));
  const runs = storedRuns.map(({ results, params, ...run }) => ({
    ...run,
    params: params as Params,
    results,
    prune: decisionOf.get(run.id) ?? null,
  }));
  return assembleSweep({ ...sweep, members: [sweep.id], union: null }, runs, counts);
}

/** What describes a sweep (or sweeps side by side) besides its runs. */
export type SweepHead = Pick<
  SweepWithRuns,
  'id' | 'members' | 'union' | 'name' | 'createdAt' | 'updatedAt' | 'configPath' | 'configYaml' | 'varying'
>;

/** A read of a sweep from its head, runs and epoch metric counts: values, statuses, metrics. */
export function assembleSweep(
  head: SweepHead,
  runs: ApiRun[],
  counts: Record<EpochMetric, number>,
): SweepWithRuns {
  const withFinal = FINAL_METRICS.filter((metric) => runs.some((run) => run.results[metric] !== null));
  const statusCounts: Partial<Record<RunStatus, number>> = {};
  for (const run of runs) statusCounts[run.status] = (statusCounts[run.status] ?? 0) + 1;
  return {
    id: head.id,
    members: head.members,
    union: head.union,
    version: ++reads,
    name: head.name,
    createdAt: head.createdAt,
    updatedAt: head.updatedAt,
    configPath: head.configPath,
    configYaml: head.configYaml,
    varying: head.varying,
    values: Object.fromEntries(
      head.varying.map((path) => [path, distinctValues(runs.map((run) => run.params[path]))]),
    ),
    runs,
    statusCounts,
    metrics: {
      curves: metricChoice(
        CURVE_METRICS,
        EPOCH_METRICS.filter((metric) => counts[metric] > 0),
      ),
      final: metricChoice(FINAL_METRICS, withFinal),
    },
    pruneRungs: pruneRungsOf(runs),
  };
}

/**
 * The thresholds of the runs' prune decisions, one entry per rule, metric and rung: the median's
 * moves as groups arrive at a rung, halving's is the last kept group's value. A threshold that is
 * null (every group there counted worst) marks nothing.
 */
function pruneRungsOf(runs: ApiRun[]): PruneRung[] {
  const rungs = new Map<string, PruneRung>();
  for (const { prune } of runs) {
    if (!prune) continue;
    const key = `${prune.rule} ${prune.metric} ${prune.rung}`;
    const entry = rungs.get(key) ?? {
      rule: prune.rule,
      metric: prune.metric,
      rung: prune.rung,
      thresholds: [],
    };
    rungs.set(key, entry);
    if (prune.threshold !== null && !entry.thresholds.includes(prune.threshold))
      entry.thresholds.push(prune.threshold);
  }
  for (const entry of rungs.values()) entry.thresholds.sort((a, b) => a - b);
  return [...rungs.values()].sort((a, b) => a.rung - b.rung);
}

/** The last read of each sweep (or sweeps side by side, by "1+2"), by store, with the change token it was read at. */
const cache = new WeakMap<ResultsReader, Map<string, { token: string; sweep: Promise<SweepWithRuns> }>>();

/** The change token of one sweep, or of sweeps side by side (each one's, joined). */
export async function changeTokenOf(store: ResultsReader, key: SweepKey): Promise<string> {
  const ids = typeof key === 'number' ? [key] : key;
  return (await Promise.all(ids.map((id) => store.changeToken(id)))).join(' ');
}

/**
 * The sweep (or sweeps side by side, union.ts) as it stands: read again only when the store's change
 * token for it has moved. With the version of the read a page is showing, that read while it is
 * still the latest (see `version`).
 */
export async function loadSweep(
  store: ResultsReader,
  key: SweepKey,
  version?: number,
): Promise<SweepWithRuns> {
  const sweeps = cache.get(store) ?? new Map();
  cache.set(store, sweeps);
  const name = typeof key === 'number' ? String(key) : key.join('+');
  const latest = sweeps.get(name);
  if (version !== undefined && latest && (await latest.sweep.catch(() => null))?.version === version)
    return latest.sweep;
  const token = await changeTokenOf(store, key);
  const cached = sweeps.get(name);
  if (cached?.token === token) return cached.sweep;
  const sweep = typeof key === 'number' ? readSweep(store, key) : readUnion(store, key);
  sweeps.set(name, { token, sweep });
  // An unknown sweep (404) or a failed read is asked again next time, not remembered.
  sweep.catch(() => sweeps.get(name)?.sweep === sweep && sweeps.delete(name));
  return sweep;
}

/**
 * Every epoch of the sweep, by run: read once per read of the sweep (the object loadSweep returned
 * stands for one change token), as the groups and the exports of a 10,000-run sweep would otherwise
 * read 100,000 rows per request.
 */
const epochCache = new WeakMap<SweepWithRuns, Promise<Map<string, StoredEpoch[]>>>();

export function loadSweepEpochs(
  store: ResultsReader,
  sweep: SweepWithRuns,
): Promise<Map<string, StoredEpoch[]>> {
  let epochs = epochCache.get(sweep);
  if (!epochs) {
    epochs = Promise.all(sweep.members.map((id) => store.epochsOfSweep(id))).then((rows) =>
      groupByRun(onePerRun(rows)),
    );
    epochCache.set(sweep, epochs);
    epochs.catch(() => epochCache.delete(sweep));
  }
  return epochs;
}

/**
 * Reads the newest sweep and its epochs in the background, as the server starts: the first page
 * then finds them in memory rather than waiting for them (most of a second each at 10,000 runs).
 * Failures are left for a page's own read to report.
 */
export async function warmUp(store: ResultsReader): Promise<void> {
  const [newest] = await store.sweepList();
  if (newest) await loadSweepEpochs(store, await loadSweep(store, newest.id));
}

/** The epochs at which some run of the sweep (or of the sweeps side by side) has layer statistics, ascending. */
export async function layerStatEpochsOf(store: ResultsReader, sweep: SweepWithRuns): Promise<number[]> {
  const epochs = await Promise.all(sweep.members.map((id) => store.layerStatEpochs(id)));
  return [...new Set(epochs.flat())].sort((a, b) => a - b);
}

/** The layer statistics of the sweep's runs at one epoch, read once per read of the sweep and epoch. */
const layerStatsCache = new WeakMap<SweepWithRuns, Map<number, Promise<StoredLayerStats[]>>>();

export function loadLayerStats(
  store: ResultsReader,
  sweep: SweepWithRuns,
  epoch: number,
): Promise<StoredLayerStats[]> {
  const byEpoch = layerStatsCache.get(sweep) ?? new Map<number, Promise<StoredLayerStats[]>>();
  layerStatsCache.set(sweep, byEpoch);
  let rows = byEpoch.get(epoch);
  if (!rows) {
    rows = Promise.all(sweep.members.map((id) => store.layerStatsOfSweep(id, epoch))).then(onePerRun);
    byEpoch.set(epoch, rows);
    rows.catch(() => byEpoch.delete(epoch));
  }
  return rows;
}

/**
 * A value derived from one read of the sweep (an aggregate for one query), computed once: a page
 * reloaded, or opened by a second person, is answered without computing it again. Dropped with the
 * read when the sweep changes.
 */
const derived = new WeakMap<SweepWithRuns, Map<string, Promise<unknown>>>();

export function derive<T>(sweep: SweepWithRuns, key: string, compute: () => Promise<T> | T): Promise<T> {
  const values = derived.get(sweep) ?? new Map<string, Promise<unknown>>();
  derived.set(sweep, values);
  let value = values.get(key) as Promise<T> | undefined;
  if (!value) {
    value = Promise.resolve().then(compute);
    values.set(key, value);
    value.catch(() => values.delete(key));
  }
  return value;
}

/** Appends value to the list under key, creating the list on first use. */
export function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * The rows of several sweeps' reads as one, each run's rows once: a run two sweeps share is read
 * with both (one sweep's read is returned as it is).
 */
function onePerRun<T extends { run_id: string }>(reads: T[][]): T[] {
  if (reads.length === 1) return reads[0];
  const taken = new Set<string>();
  return reads.flatMap((rows) => {
    const runs = new Set(rows.map((row) => row.run_id).filter((id) => !taken.has(id)));
    for (const id of runs) taken.add(id);
    return rows.filter((row) => runs.has(row.run_id));
  });
}

export function groupByRun<T extends { run_id: string }>(rows: T[]): Map<string, T[]> {
  const byRun = new Map<string, T[]>();
  for (const row of rows) pushTo(byRun, row.run_id, row);
  return byRun;
}

/** Distinct values in first-seen order, compared by their JSON (so [64, 32] is one value). */
function distinctValues(values: ParamValue[]): ParamValue[] {
  const seen = new Map<string, ParamValue>();
  for (const value of values) if (!seen.has(JSON.stringify(value))) seen.set(JSON.stringify(value), value);
  return [...seen.values()];
}

export const sameParam: (a: ParamValue, b: ParamValue) => boolean = sameValue;
