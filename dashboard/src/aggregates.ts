// Seeds pooled: curves grouped by one or two varying params (mean and std per epoch), the
// ablation grid of a final metric over two params (mean, std, n, and the runs without a result
// per cell), and a layer
// statistic by depth per group of one architecture (mean and std per Dense layer at one epoch).
import type { StoredEpoch, StoredLayerStats } from '@ablate/runner/store';
import { lttb } from '@ablate/runner/view/lttb.js';
import {
  analyseFactors,
  sweepFactors,
  type FactorAnalysis,
  type SweepAxesSpec,
  type SweepFactor,
} from '@ablate/runner/view/anova.js';
import { mean, std } from '@ablate/runner/view/stats.js';
import { NO_RESULT_STATUSES } from '@ablate/runner/view/statuses.js';
import type { EpochMetric, FinalMetric, LayerStatistic } from './metric-choices.ts';
import {
  groupByRun,
  pushTo,
  type ApiRun,
  type ParamValue,
  type Params,
  type SweepWithRuns,
} from './sweep-data.ts';

export interface GroupCurve {
  params: Params;
  runIds: string[];
  diverged: number;
  stalled: number;
  epochs: number[];
  mean: number[];
  std: number[];
  /** How many runs had a value at each epoch (runs that diverged early drop out). */
  n: number[];
}

/**
 * Runs partitioned by their values of `by`, in grid order. Groups are found by the values' JSON
 * (as sameParam compares them), one lookup per run: 10,000 runs in a few milliseconds.
 */
function partition(runs: ApiRun[], by: string[]): Array<{ params: Params; runs: ApiRun[] }> {
  const groups = new Map<string, { params: Params; runs: ApiRun[] }>();
  for (const run of runs) {
    const params = Object.fromEntries(by.map((path) => [path, run.params[path] ?? null]));
    const key = JSON.stringify(by.map((path) => params[path]));
    const group = groups.get(key);
    if (group) group.runs.push(run);
    else groups.set(key, { params, runs: [run] });
  }
  return [...groups.values()];
}

const isNumber = (value: number | null | undefined): value is number =>
  typeof value === 'number' && Number.isFinite(value);

/** How many of the runs have the status. */
const countOf = (runs: ApiRun[], status: string) => runs.filter((run) => run.status === status).length;

/**
 * Whether a run's final metric counts in means, tests and the ANOVA: not one that ended without a
 * comparable result (diverged, stalled, pruned: view/statuses.js), nor a failed one.
 */
const counts = (run: ApiRun) =>
  run.status !== 'failed' && !(NO_RESULT_STATUSES as readonly string[]).includes(run.status);

/** epochsByRun: the sweep's epochs by run (loadSweepEpochs). */
export function groupCurves(
  sweep: SweepWithRuns,
  epochsByRun: Map<string, StoredEpoch[]>,
  by: string[],
  metric: EpochMetric,
  points: number,
): GroupCurve[] {
  return partition(sweep.runs, by).map(({ params, runs }) => {
    const valuesByEpoch = new Map<number, number[]>();
    for (const run of runs) {
      for (const row of epochsByRun.get(run.id) ?? []) {
        const value = row[metric];
        if (isNumber(value)) pushTo(valuesByEpoch, row.epoch, value);
      }
    }
    const allEpochs = [...valuesByEpoch.keys()].sort((a, b) => a - b);
    // Downsample on the mean curve, then keep the std and n of the epochs it chose.
    const kept = lttb(
      allEpochs.map((epoch): [number, number] => [epoch, mean(valuesByEpoch.get(epoch)!)]),
      points,
    ).map(([epoch]) => epoch);
    return {
      params,
      runIds: runs.map((run) => run.id),
      diverged: countOf(runs, 'diverged'),
      stalled: countOf(runs, 'stalled'),
      pruned: countOf(runs, 'pruned'),
      epochs: kept,
      mean: kept.map((epoch) => mean(valuesByEpoch.get(epoch)!)),
      std: kept.map((epoch) => std(valuesByEpoch.get(epoch)!)),
      n: kept.map((epoch) => valuesByEpoch.get(epoch)!.length),
    };
  });
}

export interface AblationCell {
  row: ParamValue;
  col: ParamValue;
  runIds: string[];
  /** The metric of each run that counts (not diverged, stalled, pruned or failed, value present), for tests between cells. */
  values: number[];
  n: number;
  mean: number | null;
  std: number | null;
  diverged: number;
  stalled: number;
  pruned: number;
  failed: number;
}

export interface Ablation {
  metric: FinalMetric;
  rows: { param: string; values: ParamValue[] };
  cols: { param: string | null; values: ParamValue[] };
  cells: AblationCell[];
}

/**
 * The ablation grid. Diverged, stalled, pruned and failed runs are counted per cell but left out of
 * the mean: a diverged run's "final" numbers describe an aborted run, a stalled one's a network that
 * did not learn, a pruned one's a run stopped at a rung, not the setting.
 */
export function ablation(
  sweep: SweepWithRuns,
  rowParam: string,
  colParam: string | null,
  metric: FinalMetric,
): Ablation {
  const by = colParam ? [rowParam, colParam] : [rowParam];
  const cells = partition(sweep.runs, by).map(({ params, runs }) => {
    const counted = runs.filter(counts);
    const values = counted.map((run) => run.results[metric]).filter(isNumber);
    return {
      row: params[rowParam],
      col: colParam ? params[colParam] : null,
      runIds: runs.map((run) => run.id),
      values,
      n: values.length,
      mean: values.length ? mean(values) : null,
      std: values.length ? std(values) : null,
      diverged: countOf(runs, 'diverged'),
      stalled: countOf(runs, 'stalled'),
      pruned: countOf(runs, 'pruned'),
      failed: countOf(runs, 'failed'),
    };
  });
  return {
    metric,
    rows: { param: rowParam, values: sweep.values[rowParam] },
    cols: { param: colParam, values: colParam ? sweep.values[colParam] : [null] },
    cells,
  };
}

export interface Importance extends FactorAnalysis {
  metric: FinalMetric;
  /** The axes of the sweep's grid (sweepFactors): a grid key, a link group, or the sampled params. */
  factors: SweepFactor[];
  dropped: FactorAnalysis['dropped'] & {
    /** Runs without a value (diverged, stalled, pruned, failed, unfinished), before the analysis. */
    withoutValue: number;
  };
}

/**
 * Which params matter for a final metric: the analysis of variance of the sweep's grid (each axis
 * of the grid a factor, a link group and the sampled params each one; the seeds of a cell its
 * replicates), effects ranked by their share of the variance. spec: the sweep config's `sweep`
 * section, which lays out the axes. Runs are counted as in the ablation (not diverged, stalled, pruned or failed).
 */
export function importance(
  sweep: SweepWithRuns,
  spec: SweepAxesSpec | undefined,
  metric: FinalMetric,
): Importance {
  const factors = sweepFactors(spec, sweep.varying);
  const counted = sweep.runs.filter((run) => counts(run) && isNumber(run.results[metric]));
  const analysis = analyseFactors(
    factors,
    counted.map((run) => ({ params: run.params, value: run.results[metric] as number })),
  );
  return {
    metric,
    factors,
    ...analysis,
    dropped: { withoutValue: sweep.runs.length - counted.length, ...analysis.dropped },
  };
}

export interface DepthGroup {
  /** The value of `by`, and of every varying model param: one group is one architecture. */
  params: Params;
  /** The runs averaged: those with statistics at the epoch. */
  runIds: string[];
  n: number;
  /** The group's runs without statistics at the epoch (diverged before it, or not there yet). */
  missing: number;
  /** Per layer; null where no run of the group has that layer (a shallower model) or a value. */
  mean: Array<number | null>;
  std: Array<number | null>;
}

/**
 * A position on the depth axis: a hidden layer by its index (0 = the first Dense layer), or every
 * run's output layer, whatever its index. Networks of different depths share the axis, so hidden
 * layer i is compared with hidden layer i and an output layer only with output layers.
 */
export type DepthLayer = number | 'output';

export interface DepthProfile {
  /**
   * The hidden layers any run has, by index, then the output layer; each named by the runner's
   * names of the layers there (a name shared by runs once, differing names joined).
   */
  layers: Array<{ layer: DepthLayer; name: string }>;
  groups: DepthGroup[];
}

/**
 * The varying params that change the network (model.*): runs that differ in them have layers of
 * other sizes, activations or number, so their statistics are never averaged together.
 */
const architectureParams = (sweep: SweepWithRuns, by: string) =>
  sweep.varying.filter((path) => path.startsWith('model.') && path !== by);

/**
 * A statistic of each Dense layer at one epoch, by depth: per group of `by` and architecture, its
 * mean and sample std over the group's runs, layer by layer (hidden layers by index, the output
 * layer apart: see DepthLayer). `rows` are the sweep's layer statistics at that epoch.
 */
export function depthProfile(
  sweep: SweepWithRuns,
  rows: StoredLayerStats[],
  by: string,
  statistic: LayerStatistic,
): DepthProfile {
  const rowsByRun = groupByRun(rows);
  // A run's output layer is its last: the runner records every Dense layer of a run at each epoch.
  const outputOf = new Map(
    [...rowsByRun].map(([runId, ofRun]) => [runId, Math.max(...ofRun.map((row) => row.layer))]),
  );
  const positionOf = (row: StoredLayerStats): DepthLayer =>
    row.layer === outputOf.get(row.run_id) ? 'output' : row.layer;
  const names = new Map<DepthLayer, Set<string>>();
  for (const row of rows) {
    const layer = positionOf(row);
    names.set(layer, (names.get(layer) ?? new Set()).add(row.name));
  }
  const hidden = [...names.keys()].filter((layer) => layer !== 'output').sort((a, b) => a - b);
  const layers = [...hidden, ...(names.has('output') ? ['output' as const] : [])].map((layer) => ({
    layer,
    name: [...names.get(layer)!].join(' / '),
  }));
  const groups = partition(sweep.runs, [by, ...architectureParams(sweep, by)]).map(({ params, runs }) => {
    const counted = runs.filter((run) => rowsByRun.has(run.id));
    const valuesByLayer = new Map<DepthLayer, number[]>();
    for (const run of counted) {
      for (const row of rowsByRun.get(run.id)!) {
        const value = row[statistic];
        if (isNumber(value)) pushTo(valuesByLayer, positionOf(row), value);
      }
    }
    const valuesAt = (layer: DepthLayer) => valuesByLayer.get(layer) ?? [];
    return {
      params,
      runIds: counted.map((run) => run.id),
      n: counted.length,
      missing: runs.length - counted.length,
      mean: layers.map(({ layer }) => (valuesAt(layer).length ? mean(valuesAt(layer)) : null)),
      std: layers.map(({ layer }) => (valuesAt(layer).length ? std(valuesAt(layer)) : null)),
    };
  });
  return { layers, groups };
}
