// The --dry-run output, as text and as JSON: what a sweep will run and roughly how long it will take.
import type { Continuation } from '../db/records.ts';
import { formatValue, shortNames } from '../view/format.js';
import type { SweepPlan } from './plan.ts';
import { worstCaseEpochs } from './prune-rule.ts';

/**
 * A pruned plan's epoch budget: the most its rule lets it train (worstCaseEpochs) against the full
 * grid's epochs; null when it does not prune.
 */
export function epochBudget(plan: SweepPlan): { worstCase: number; full: number } | null {
  const rule = plan.config.sweep.prune;
  if (!rule) return null;
  const groups = new Map<string, { epochs: number; runs: number }>();
  for (const run of plan.runs) {
    const group = groups.get(run.groupId) ?? { epochs: run.config.train.epochs, runs: 0 };
    group.runs++;
    groups.set(run.groupId, group);
  }
  const full = plan.runs.reduce((sum, run) => sum + run.config.train.epochs, 0);
  return { worstCase: worstCaseEpochs(rule, [...groups.values()]), full };
}

/** The dry run's line on pruning, when the sweep prunes. */
function pruneLines(plan: SweepPlan): string[] {
  const budget = epochBudget(plan);
  const rule = plan.config.sweep.prune;
  if (!budget || !rule) return [];
  const share = ((100 * budget.worstCase) / budget.full).toFixed(0);
  const why =
    rule.name === 'median'
      ? ' (the median rule may prune nothing)'
      : ` (ceil(n / ${rule.eta}) groups kept at each rung)`;
  return [
    `Pruned by ${rule.name} on ${rule.metric}: at most ${budget.worstCase} of the full grid's ${budget.full} epochs (${share}%)${why}; estimates are of the full grid.`,
  ];
}

/**
 * What a plan continues: the runs that go on from a finished shorter run of their lineage (by run
 * id), and whether the database holds an earlier version of the sweep (then the runs that never
 * continue one are worth a word).
 */
export interface PlanContinuations {
  runs: ReadonlyMap<string, Continuation>;
  earlierVersion: boolean;
}

/** A plan that continues nothing (no database yet). */
export const NOTHING_CONTINUED: PlanContinuations = { runs: new Map(), earlierVersion: false };

/**
 * The lines the dry run says about continuing: how many runs continue and the epochs that saves;
 * and, when an earlier version exists, that runs with a cosine schedule (lineage null) start over.
 */
function continuationLines(plan: SweepPlan, continuing: PlanContinuations): string[] {
  const lines: string[] = [];
  const runs = plan.runs.filter((run) => continuing.runs.has(run.id));
  if (runs.length > 0) {
    const saved = runs.reduce((sum, run) => sum + continuing.runs.get(run.id)!.epochs, 0);
    const planned = plan.runs.reduce((sum, run) => sum + run.config.train.epochs, 0);
    lines.push(
      `${runs.length} run${runs.length > 1 ? 's' : ''} continue from the last checkpoint of a shorter finished run: ${saved} of ${planned} epochs not trained again.`,
    );
  }
  const cosine = plan.runs.filter((run) => run.lineage === null).length;
  if (continuing.earlierVersion && cosine > 0)
    lines.push(
      `${cosine} run${cosine > 1 ? 's' : ''} with a cosine schedule start from epoch 1: its lr depends on train.epochs, so a shorter run's epochs are not theirs.`,
    );
  return lines;
}

const WORKER_COUNTS = [1, 2, 4];

/**
 * The --dry-run text; `secondsPerRun` is each run's estimate, null where nothing measured one like
 * it. Totals count the estimated runs only, and say how many have none.
 */
export function formatPlan(
  plan: SweepPlan,
  secondsPerRun: readonly (number | null)[],
  continuing = NOTHING_CONTINUED,
): string {
  const seeds = plan.config.sweep.seeds.length;
  const samples = plan.config.sweep.sample?.count ?? 1;
  const grid = plan.total / seeds / samples;
  const header = ['#', ...shortNames(plan.varying), 'est.'];
  const rows = plan.runs.map((run, i) => [
    String(run.position),
    ...plan.varying.map((p) => formatValue(run.params[p])),
    secondsPerRun[i] === null ? '?' : formatDuration(secondsPerRun[i]),
  ]);
  const known = secondsPerRun.filter((s) => s !== null);
  const total = known.reduce((sum, s) => sum + s, 0);
  const perWorkers = WORKER_COUNTS.map(
    (n) => `${n} worker${n > 1 ? 's' : ''} ~${formatDuration(makespan(known, n))}`,
  );
  const unknown = secondsPerRun.length - known.length;
  const estimate =
    known.length === 0
      ? 'No estimate: no run like these has been trained on this machine yet.'
      : `Estimated training time ${formatDuration(total)}${unknown > 0 ? ` for the ${known.length} runs with an estimate` : ''} in total: ${perWorkers.join(', ')}.`;
  return [
    `${plan.name}: ${plan.total} runs (${grid} grid point${grid > 1 ? 's' : ''}${plan.config.sweep.sample ? ` x ${samples} sampled point${samples > 1 ? 's' : ''}` : ''} x ${seeds} seed${seeds > 1 ? 's' : ''})${plan.path === null ? '' : ` from ${plan.path}`}`,
    ...(plan.runs.length < plan.total ? [capNote(plan)] : []),
    '',
    ...formatTable([header, ...rows]),
    '',
    estimate,
    `(From the mean epoch time of earlier sweeps on this CPU with the same data, network and batch size${unknown > 0 ? `; ${unknown} runs have none (?)` : ''}.)`,
    ...continuationLines(plan, continuing),
    ...pruneLines(plan),
  ].join('\n');
}

/**
 * The --dry-run --json document: the runs to train in plan order, each with its estimate in seconds
 * (null where formatPlan shows "?") and the run it continues from (null: none); `total` counts the
 * runs before any cap; `epochBudget`, a pruned sweep's most epochs against the full grid's (null
 * when it does not prune).
 */
export function planJson(
  plan: SweepPlan,
  secondsPerRun: readonly (number | null)[],
  continuing = NOTHING_CONTINUED,
) {
  return {
    name: plan.name,
    path: plan.path,
    total: plan.total,
    epochBudget: epochBudget(plan),
    runs: plan.runs.map((run, i) => ({
      id: run.id,
      label: run.label,
      params: run.params,
      seed: run.seed,
      position: run.position,
      epochs: run.config.train.epochs,
      estimatedSeconds: secondsPerRun[i],
      continues: continuing.runs.get(run.id) ?? null,
    })),
  };
}

/** What a cap does to a plan, in one line. */
export function capNote(plan: SweepPlan): string {
  return `capped: the first ${plan.runs.length} of ${plan.total} runs in plan order (seeds outermost: the grid once before it repeats)`;
}

/** Rows of cells as aligned text lines, columns two spaces apart. */
export function formatTable(rows: readonly string[][]): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  return rows.map((row) =>
    row
      .map((cell, c) => cell.padEnd(widths[c]))
      .join('  ')
      .trimEnd(),
  );
}

// Workers take runs in plan order, each the next run as soon as it is free.
function makespan(seconds: readonly number[], workers: number): number {
  const free = new Array<number>(workers).fill(0);
  for (const s of seconds) {
    const next = free.indexOf(Math.min(...free));
    free[next] += s;
  }
  return Math.max(...free);
}

/** "4.2s", "42s", "7m 05s", "2h 03m": precise when short, coarse when long. */
export function formatDuration(seconds: number): string {
  if (seconds < 10) return `${seconds.toFixed(1)}s`;
  const whole = Math.round(seconds);
  if (whole < 60) return `${whole}s`;
  if (whole < 3600) return `${Math.floor(whole / 60)}m ${String(whole % 60).padStart(2, '0')}s`;
  return `${Math.floor(whole / 3600)}h ${String(Math.floor(whole / 60) % 60).padStart(2, '0')}m`;
}
