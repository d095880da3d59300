// GET /api/sweeps/:id/groups?by=p1[,p2]&metric=val_acc&points=N
// GET /api/sweeps/:id/ablation?rows=p1[&cols=p2]&metric=final_val_acc
// GET /api/sweeps/:id/depth?by=p&stat=act_std&epoch=N
// GET /api/sweeps/:id/importance?metric=final_val_acc
// GET /api/sweeps/:id/parallel?metric=final_val_acc
// Without a metric, each uses the sweep's preferred one: the first with data (see metric-choices.ts).
import { Router, type Request, type Response } from 'express';
import type { SweepAxesSpec } from '@ablate/runner/view/anova.js';
import { ablation, depthProfile, groupCurves, importance, type Ablation } from '../aggregates.ts';
import { badRequest } from '../http-error.ts';
import { EPOCH_METRICS, FINAL_METRICS, LAYER_STATISTICS } from '../metric-choices.ts';
import {
  optionalString,
  parseChoice,
  parseInteger,
  pointsOf,
  requiredString,
  sweepIdOf,
  versionOf,
} from '../params.ts';
import type { ResultsDb } from '../results-db.ts';
import { valuesOf } from '../run-table.ts';
import {
  derive,
  layerStatEpochsOf,
  loadLayerStats,
  loadSweep,
  loadSweepEpochs,
  type SweepWithRuns,
} from '../sweep-data.ts';

/** A param the sweep varies: anything else would group every run into one cell. */
function varyingParam(sweep: SweepWithRuns, value: string, name: string): string {
  if (!sweep.varying.includes(value)) {
    throw badRequest(
      `${name}: "${value}" is not a varying param of this sweep (${sweep.varying.join(', ')})`,
    );
  }
  return value;
}

/** The ablation grid a request asks for; shared by the JSON route and the Markdown export. */
export function ablationOf(req: Request, sweep: SweepWithRuns): Promise<Ablation> {
  const rows = varyingParam(sweep, requiredString(req.query, 'rows'), 'rows');
  const colsValue = optionalString(req.query, 'cols');
  const cols = colsValue ? varyingParam(sweep, colsValue, 'cols') : null;
  if (cols === rows) throw badRequest('rows and cols must be two different params');
  const metric = finalMetricOf(req, sweep);
  return derive(sweep, `ablation ${rows} ${cols} ${metric}`, () => ablation(sweep, rows, cols, metric));
}

/**
 * The JSON of each value derived from a read (see derive), made once: at 10,000 runs an aggregate
 * is 150-250 KB of numbers and run ids, which took the server longer to serialize than to compute,
 * on every page load. By identity, so only for values derived once and never changed after.
 */
const serialized = new WeakMap<object, string>();

function sendDerived(res: Response, value: object): void {
  let body = serialized.get(value);
  if (body === undefined) {
    body = JSON.stringify(value);
    serialized.set(value, body);
  }
  res.type('json').send(body);
}

/** ?metric= among the final metrics; the sweep's preferred one without it. */
const finalMetricOf = (req: Request, sweep: SweepWithRuns) =>
  parseChoice(optionalString(req.query, 'metric'), 'metric', FINAL_METRICS, sweep.metrics.final.preferred);

export function aggregateRoutes(results: ResultsDb): Router {
  const router = Router();

  router.get('/api/sweeps/:id/groups', async (req, res) => {
    const store = await results.require();
    const sweep = await loadSweep(store, sweepIdOf(req), versionOf(req));
    const by = requiredString(req.query, 'by')
      .split(',')
      .map((path) => varyingParam(sweep, path, 'by'));
    if (by.length > 2 || new Set(by).size !== by.length) throw badRequest('by: one or two different params');
    const metric = parseChoice(
      optionalString(req.query, 'metric'),
      'metric',
      EPOCH_METRICS,
      sweep.metrics.curves.preferred,
    );
    const points = pointsOf(req);
    const groups = await derive(sweep, `groups ${by} ${metric} ${points}`, async () => ({
      by,
      metric,
      groups: groupCurves(sweep, await loadSweepEpochs(store, sweep), by, metric, points),
    }));
    sendDerived(res, groups);
  });

  router.get('/api/sweeps/:id/ablation', async (req, res) => {
    const sweep = await loadSweep(await results.require(), sweepIdOf(req), versionOf(req));
    sendDerived(res, await ablationOf(req, sweep));
  });

  // The factors are the axes of the sweep's grid, which its config lays out (grid keys, link
  // groups, sampled params): read from the sweep's record, once per read of the sweep.
  router.get('/api/sweeps/:id/importance', async (req, res) => {
    const store = await results.require();
    const sweep = await loadSweep(store, sweepIdOf(req), versionOf(req));
    const metric = finalMetricOf(req, sweep);
    const analysis = await derive(sweep, `importance ${metric}`, async () => {
      // Sweeps side by side: the first one's axes; the params only others vary, and the sweep
      // itself, are factors of their own (sweepFactors).
      const config = (await store.sweep(sweep.members[0]))?.config as { sweep?: SweepAxesSpec } | undefined;
      return importance(sweep, config?.sweep, metric);
    });
    sendDerived(res, analysis);
  });

  // The parallel coordinates: one axis per varying param (seed excepted) and the metric, each
  // run's position on each, column by column (compact at 10,000 runs). A param of numbers is placed
  // by value, any other by its position in the grid (values lists them); brushes come back as the
  // runs table's ?ranges= in the same units.
  router.get('/api/sweeps/:id/parallel', async (req, res) => {
    const sweep = await loadSweep(await results.require(), sweepIdOf(req), versionOf(req));
    const metric = finalMetricOf(req, sweep);
    const params = sweep.varying.filter((path) => path !== 'seed');
    const parallel = await derive(sweep, `parallel ${metric}`, () => ({
      metric,
      axes: [
        ...params.map((path) => ({
          key: path,
          numeric: sweep.values[path].every((value) => typeof value === 'number'),
          values: sweep.values[path],
        })),
        { key: metric, numeric: true, values: null },
      ],
      columns: [...params, metric].map((key) => valuesOf(sweep, key)),
    }));
    sendDerived(res, parallel);
  });

  // Without an epoch: the first with statistics, epoch 0 (the untrained model: the init's own
  // effect, before training washes it out) wherever the runner recorded it; null when none yet.
  router.get('/api/sweeps/:id/depth', async (req, res) => {
    const store = await results.require();
    const sweep = await loadSweep(store, sweepIdOf(req), versionOf(req));
    const by = varyingParam(sweep, requiredString(req.query, 'by'), 'by');
    const stat = parseChoice(optionalString(req.query, 'stat'), 'stat', LAYER_STATISTICS, 'act_std');
    const epochs = await derive(sweep, 'layer stat epochs', () => layerStatEpochsOf(store, sweep));
    const asked = optionalString(req.query, 'epoch');
    const epoch = parseInteger(asked, 'epoch', 0, 999_999, epochs[0] ?? 0);
    if (asked !== undefined && !epochs.includes(epoch)) {
      throw badRequest(
        `epoch: no layer statistics at epoch ${epoch} (${epochs.length ? `epochs with some: ${epochs.join(', ')}` : 'none yet'})`,
      );
    }
    const depth = await derive(sweep, `depth ${by} ${stat} ${epoch}`, async () => ({
      by,
      stat,
      epoch: epochs.length ? epoch : null,
      epochs,
      ...depthProfile(sweep, epochs.length ? await loadLayerStats(store, sweep, epoch) : [], by, stat),
    }));
    sendDerived(res, depth);
  });

  return router;
}
