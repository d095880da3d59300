// Before any run of a sweep with custom components trains: every custom component's backward is
// compared with central differences of its forward (@ablate/layers' checkModel), at the model's
// initial weights (the first run's seed) on the first mini-batch of the run's training data. Each
// distinct model of the plan is checked once. A failure, or a component that throws or computes
// NaN, refuses the sweep before anything is written.
import path from 'node:path';
import { fromShared } from '@ablate/data';
import {
  checkModel,
  componentRefs,
  ComponentFault,
  GRADIENT_CHECK,
  SpecError,
  type ModelCheckRow,
} from '@ablate/layers';
import { Tensor } from '@ablate/tensor';
import type { PlannedRun, SweepPlan } from '../config/index.ts';
import { loadComponents } from '../config/components.ts';
import { dataKeyOf } from '../db/index.ts';
import { canonicalJson } from '../view/canonical.js';
import { buildModel } from '../model/build-model.ts';
import type { SweepDataset } from './sweep-data.ts';
import { SweepInputError } from './open-store.ts';

/** A file as messages show it: relative to the folder the command runs in, when inside it. */
export function shownFile(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith('..') ? file : relative;
}

/** The check of one run's model (the first run of each distinct model in the plan). */
export interface ComponentCheck {
  run: PlannedRun;
  rows: ModelCheckRow[];
}

/** The plan's runs whose models differ in anything a check depends on: the first of each. */
function distinctModels(plan: SweepPlan, all: boolean): PlannedRun[] {
  const seen = new Set<string>();
  return plan.runs.filter((run) => {
    if (!all && componentRefs(run.config.model).length === 0) return false;
    const { model, train, data } = run.config;
    const key = canonicalJson({
      model,
      init: train.init,
      biasInit: train.biasInit,
      batch: train.batchSize,
      data,
    });
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Checks one run's custom components; a component that throws or computes NaN is a SweepInputError. */
async function checkRun(run: PlannedRun, dataset: SweepDataset, all: boolean): Promise<ModelCheckRow[]> {
  const data = fromShared(dataset.shared);
  const rows = Math.min(run.config.train.batchSize, data.train.count);
  const x = new Tensor(data.train.x.subarray(0, rows * data.train.features), [rows, data.train.features]);
  const y = new Tensor(data.train.y.subarray(0, rows * data.train.targets), [rows, data.train.targets]);
  let modules;
  try {
    modules = await loadComponents(run.config.model);
  } catch (error) {
    throw new SweepInputError(`${(error as Error).message.replace(/^(\/\S+)/, (f) => shownFile(f))}`);
  }
  try {
    const model = buildModel(run.config, data.inputSize, data.outputSize, undefined, modules);
    try {
      return checkModel(model, x, y, run.config.seed, !all);
    } finally {
      model.dispose();
    }
  } catch (error) {
    if (error instanceof SpecError) {
      // "model.loss.file: /abs/x.ts: expected ..." -> "x.ts: model.loss: expected ..."
      const [file, ...rest] = error.reason.split(': ');
      const key = `model${error.path
        .slice(0, -1)
        .map((k) => (typeof k === 'number' ? `[${k}]` : `.${k}`))
        .join('')}`;
      throw new SweepInputError(`${shownFile(file)}: ${key}: ${rest.join(': ')}; nothing was trained`);
    }
    if (error instanceof ComponentFault)
      throw new SweepInputError(`${shownFile(error.file ?? '')}: ${error.message}; nothing was trained`);
    throw error;
  }
}

/**
 * Checks the plan's custom components (none: an empty list), or with `all` every component of every
 * distinct model, built-ins included; throws GradientCheckError on a failure.
 */
export async function checkComponents(
  plan: SweepPlan,
  datasets: ReadonlyMap<string, SweepDataset>,
  all = false,
): Promise<ComponentCheck[]> {
  const checks: ComponentCheck[] = [];
  for (const run of distinctModels(plan, all)) {
    const dataset = datasets.get(dataKeyOf(run.config));
    if (!dataset) throw new Error(`no prepared data for run ${run.id}`);
    checks.push({ run, rows: await checkRun(run, dataset, all) });
  }
  const failed = checks.flatMap((c) => c.rows.filter((row) => !row.passed));
  if (failed.length > 0) throw new GradientCheckError(failed[0], formatChecks(checks));
  return checks;
}

/** A refused gradient check: one line naming the file, component and parameter, then the table. */
export class GradientCheckError extends SweepInputError {
  constructor(
    readonly row: ModelCheckRow,
    readonly table: string,
  ) {
    super(
      `${shownFile(row.file ?? '')}: gradient check failed: ${row.component} ${row.tensor} has max relative error ` +
        `${row.maxRelError.toPrecision(3)} at [${row.at.join(', ')}] (analytic ${row.analytic.toPrecision(3)}, ` +
        `numeric ${row.numeric.toPrecision(3)}; tolerance ${GRADIENT_CHECK.tolerance}); nothing was trained\n${table}`,
    );
  }
}

/** The checks as a table, one line per checked tensor. */
export function formatChecks(checks: readonly ComponentCheck[]): string {
  const header = [
    'file',
    'component',
    'tensor',
    'max rel err',
    'at',
    'analytic',
    'numeric',
    'checked',
    'kinks',
    '',
  ];
  const lines = checks.flatMap(({ rows }) =>
    rows.map((row) => [
      row.file === null ? '(built in)' : shownFile(row.file),
      row.component,
      row.tensor,
      row.maxRelError.toExponential(2),
      `[${row.at.join(', ')}]`,
      row.analytic.toExponential(2),
      row.numeric.toExponential(2),
      String(row.checked),
      String(row.kinks),
      row.passed ? 'ok' : 'FAILED',
    ]),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((line) => line[i].length)));
  const format = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  const note =
    `central differences in float32: step ${GRADIENT_CHECK.step}, tolerance ${GRADIENT_CHECK.tolerance}, ` +
    `up to ${GRADIENT_CHECK.samples} entries per tensor (@ablate/layers custom/gradient-check.ts says why)`;
  return [format(header), ...lines.map(format), note].join('\n');
}
