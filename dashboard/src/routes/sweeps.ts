// GET /api/sweeps, /api/sweeps/:id, /api/sweeps/:id/runs
import { Router } from 'express';
import { RANKING_METRICS } from '../metrics.ts';
import { listSweeps, rankedRuns, statusCounts, type RankedRunRow } from '../queries.ts';
import { sweepIdOf } from '../params.ts';
import { NO_SWEEPS_HINT, type ResultsDb } from '../results-db.ts';
import { loadSweep, type ApiRun } from '../sweep-data.ts';

function countByStatus(runs: ApiRun[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const run of runs) counts[run.status] = (counts[run.status] ?? 0) + 1;
  return counts;
}

/**
 * A sweep's best run by the first ranking metric any of its runs has (test accuracy in a sweep
 * without a validation set); null until a run has one.
 */
function bestRun(rows: RankedRunRow[]) {
  const metric = RANKING_METRICS.find((m) => rows.some((row) => row[m] !== null));
  if (!metric) return null;
  const top = rows.reduce((best, row) =>
    (row[metric] ?? -Infinity) > (best[metric] ?? -Infinity) ? row : best,
  );
  return { runId: top.run_id, label: top.label, metric, value: top[metric] };
}

export function sweepRoutes(results: ResultsDb): Router {
  const router = Router();

  router.get('/api/sweeps', async (_req, res) => {
    const db = await results.get();
    if (!db) {
      res.json({ sweeps: [], hint: NO_SWEEPS_HINT });
      return;
    }
    const [sweeps, counts, ranked] = await Promise.all([listSweeps(db), statusCounts(db), rankedRuns(db)]);
    res.json({
      sweeps: sweeps.map((sweep) => {
        const own = counts.filter((row) => row.sweep_id === sweep.id);
        return {
          id: sweep.id,
          name: sweep.name,
          createdAt: sweep.created_at,
          updatedAt: sweep.updated_at,
          varying: JSON.parse(sweep.varying_json),
          runCount: own.reduce((sum, row) => sum + row.n, 0),
          statusCounts: Object.fromEntries(own.map((row) => [row.status, row.n])),
          best: bestRun(ranked.filter((row) => row.sweep_id === sweep.id)),
        };
      }),
      hint: sweeps.length ? null : NO_SWEEPS_HINT,
    });
  });

  router.get('/api/sweeps/:id', async (req, res) => {
    const { runs, ...sweep } = await loadSweep(await results.require(), sweepIdOf(req));
    res.json({ ...sweep, runCount: runs.length, statusCounts: countByStatus(runs) });
  });

  router.get('/api/sweeps/:id/runs', async (req, res) => {
    const sweep = await loadSweep(await results.require(), sweepIdOf(req));
    res.json({ varying: sweep.varying, values: sweep.values, metrics: sweep.metrics, runs: sweep.runs });
  });

  return router;
}
