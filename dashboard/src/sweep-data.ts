// Rows turned into the API's objects: a sweep with its varying params, and its runs with their
// params and summary metrics.
import type { Database, RunStatus } from '@ablate/runner/schema';
import { notFound } from './http-error.ts';
import {
  CURVE_METRICS,
  EPOCH_METRICS,
  FINAL_METRICS,
  RANKING_METRICS,
  firstWithData,
  metricChoice,
  type CurveMetric,
  type FinalMetric,
  type MetricChoice,
} from './metrics.ts';
import { epochMetricCounts, getSweep, sweepRuns, type SweepRunRow } from './queries.ts';

export type ParamValue = string | number | boolean | null | unknown[];
export type Params = Record<string, ParamValue>;

export interface ApiRun {
  id: string;
  label: string;
  groupId: string;
  seed: number;
  status: RunStatus;
  error: string | null;
  params: Params;
  epochsPlanned: number;
  epochsDone: number;
  divergedEpoch: number | null;
  startedAt: string | null;
  finishedAt: string | null;
  wallSeconds: number | null;
  bestEpoch: number | null;
  summary: Record<FinalMetric, number | null>;
}

export interface SweepWithRuns {
  id: number;
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
  metrics: SweepMetrics;
}

/** Which metrics have values in a sweep, so pages offer and default to those (see metrics.ts). */
export interface SweepMetrics {
  curves: MetricChoice<CurveMetric>;
  final: MetricChoice<FinalMetric>;
  /** What the sweep's runs are ranked by. */
  ranking: (typeof RANKING_METRICS)[number];
}

async function sweepMetrics(db: Database, sweepId: number, runs: ApiRun[]): Promise<SweepMetrics> {
  const counts = await epochMetricCounts(db, sweepId);
  const final = FINAL_METRICS.filter((metric) => runs.some((run) => run.summary[metric] !== null));
  return {
    curves: metricChoice(
      CURVE_METRICS,
      EPOCH_METRICS.filter((metric) => counts[metric] > 0),
    ),
    final: metricChoice(FINAL_METRICS, final),
    ranking: firstWithData(RANKING_METRICS, final),
  };
}

export async function loadSweep(db: Database, sweepId: number): Promise<SweepWithRuns> {
  const sweep = await getSweep(db, sweepId);
  if (!sweep) throw notFound(`no sweep ${sweepId}`);
  const runs = (await sweepRuns(db, sweepId)).map(toApiRun);
  const varying = JSON.parse(sweep.varying_json) as string[];
  return {
    id: sweep.id,
    name: sweep.name,
    createdAt: sweep.created_at,
    updatedAt: sweep.updated_at,
    configPath: sweep.config_path,
    configYaml: sweep.config_yaml,
    varying,
    values: Object.fromEntries(
      varying.map((path) => [path, distinctValues(runs.map((run) => run.params[path]))]),
    ),
    runs,
    metrics: await sweepMetrics(db, sweepId, runs),
  };
}

function toApiRun(row: SweepRunRow): ApiRun {
  return {
    id: row.id,
    label: row.label,
    groupId: row.group_id,
    seed: row.seed,
    status: row.status,
    error: row.error,
    params: JSON.parse(row.params_json) as Params,
    epochsPlanned: row.epochs_planned,
    epochsDone: row.epochs_done,
    divergedEpoch: row.diverged_epoch,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    wallSeconds: row.wall_seconds,
    bestEpoch: row.best_epoch,
    summary: Object.fromEntries(
      FINAL_METRICS.map((metric) => [metric, row[metric] ?? null]),
    ) as ApiRun['summary'],
  };
}

/** Distinct values in first-seen order, compared by their JSON (so [64, 32] is one value). */
function distinctValues(values: ParamValue[]): ParamValue[] {
  const seen = new Map<string, ParamValue>();
  for (const value of values) if (!seen.has(JSON.stringify(value))) seen.set(JSON.stringify(value), value);
  return [...seen.values()];
}

export const sameParam = (a: ParamValue, b: ParamValue) => JSON.stringify(a) === JSON.stringify(b);
