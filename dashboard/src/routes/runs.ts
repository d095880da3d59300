// GET /api/runs/:id, /api/runs/:id/layers, /api/series?runs=a,b&points=N
import { keptEpoch, type EarlyStopRule } from '@ablate/runner/view/early-stop.js';
import { Router } from 'express';
import { encodeWeights } from '@ablate/runner/store';
import { lttb } from '@ablate/runner/view/lttb.js';
import { runDiagnosis, type RunConfig } from '@ablate/runner';
import { notFound } from '../http-error.ts';
import { inputScaling } from '../input-scaling.ts';
import { EPOCH_METRICS, LAYER_STATISTICS } from '../metric-choices.ts';
import { MAX_RUN_IDS_LENGTH, parseRunIds, pointsOf, requiredString, runIdOf } from '../params.ts';
import type { ResultsDb } from '../results-db.ts';
import { groupByRun } from '../sweep-data.ts';

export function runRoutes(results: ResultsDb): Router {
  const router = Router();

  router.get('/api/runs/:id', async (req, res) => {
    const store = await results.require();
    const runId = runIdOf(req);
    const run = await store.run(runId);
    if (!run) throw notFound(`no run ${runId}`);
    const [runResults, test, sweeps, tags, notes, epochs, prune] = await Promise.all([
      store.runResults(runId),
      store.testResult(runId),
      store.sweepsOfRun(runId),
      store.tags(runId),
      store.notes(runId),
      store.epochsOfRuns([runId]),
      store.pruneDecision(runId),
    ]);
    // Why a run that does not learn does not (null for one that does).
    const diagnosis = await runDiagnosis(store, run, epochs, test);
    // The epoch whose weights were tested (and are served): the last, or the best early stopping kept.
    const earlyStop = (run.config as { train?: { earlyStop?: EarlyStopRule | null } }).train?.earlyStop;
    const testEpoch = test ? keptEpoch(epochs, earlyStop) : null;
    res.json({ run, results: runResults, test, testEpoch, sweeps, tags, notes, diagnosis, prune });
  });

  // The trained parameters, for a browser to run the model: float32 little-endian, base64, in the
  // order of `shapes` (W then b per layer), as the runner's weights table stores them; and, for an
  // MNIST run, how its input pixels were scaled (input-scaling.ts).
  router.get('/api/runs/:id/weights', async (req, res) => {
    const store = await results.require();
    const runId = runIdOf(req);
    const [weights, run] = await Promise.all([store.loadWeights(runId), store.run(runId)]);
    if (!weights || !run)
      throw notFound(`no weights for run ${runId} (only finished and stalled runs keep their weights)`);
    res.json({
      runId,
      dtype: 'float32',
      littleEndian: true,
      shapes: weights.shapes,
      data: encodeWeights(weights.data).toString('base64'),
      input: inputScaling(run.config as RunConfig),
    });
  });

  router.get('/api/runs/:id/layers', async (req, res) => {
    const store = await results.require();
    const runId = runIdOf(req);
    if (!(await store.run(runId))) throw notFound(`no run ${runId}`);
    const rows = await store.layerStatsOfRun(runId);
    const layers = new Map<
      number,
      { layer: number; name: string; epochs: number[] } & Record<string, unknown>
    >();
    for (const row of rows) {
      if (!layers.has(row.layer)) {
        layers.set(row.layer, {
          layer: row.layer,
          name: row.name,
          epochs: [],
          ...Object.fromEntries(LAYER_STATISTICS.map((s) => [s, []])),
        });
      }
      const layer = layers.get(row.layer)!;
      layer.epochs.push(row.epoch);
      for (const statistic of LAYER_STATISTICS)
        (layer[statistic] as Array<number | null>).push(row[statistic]);
    }
    res.json({ statistics: LAYER_STATISTICS, layers: [...layers.values()] });
  });

  router.get('/api/series', async (req, res) => {
    const runIds = parseRunIds(requiredString(req.query, 'runs', MAX_RUN_IDS_LENGTH));
    const points = pointsOf(req);
    const store = await results.require();
    const known = await store.knownRuns(runIds);
    const unknown = runIds.filter((id) => !known.has(id));
    if (unknown.length) throw notFound(`no run ${unknown.join(', ')}`);
    const epochsByRun = groupByRun(await store.epochsOfRuns(runIds));
    const series = Object.fromEntries(
      runIds.map((runId) => {
        const rows = epochsByRun.get(runId) ?? [];
        const byMetric = Object.fromEntries(
          EPOCH_METRICS.map((metric) => {
            // NaN losses are stored as NULL: a gap, not a point to downsample.
            const pointsOfMetric = rows
              .filter((row) => row[metric] !== null)
              .map((row): [number, number] => [row.epoch, row[metric] as number]);
            return [metric, lttb(pointsOfMetric, points)];
          }),
        );
        return [runId, { epochs: rows.length, metrics: byMetric }];
      }),
    );
    res.json({ points, series });
  });

  return router;
}
