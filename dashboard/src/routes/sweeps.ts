// GET /api/sweeps, /api/sweeps/:id, /api/sweeps/:id/runs
import { Router, type Request } from 'express';
import { bestRuns, listSweeps, statusCounts } from '../queries.ts';
import { parseSweepId } from '../params.ts';
import { NO_SWEEPS_HINT, type ResultsDb } from '../results-db.ts';
import { loadSweep, type ApiRun } from '../sweep-data.ts';

export const sweepIdOf = (req: Request) => parseSweepId(String(req.params.id), 'sweep id');

function countByStatus(runs: ApiRun[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const run of runs) counts[run.status] = (counts[run.status] ?? 0) + 1;
  return counts;
}

export function sweepRoutes(results: ResultsDb): Router {
  const router = Router();

  router.get('/api/sweeps', async (_req, res) => {
    const db = await results.get();
    if (!db) {
      res.json({ sweeps: [], hint: NO_SWEEPS_HINT });
      return;
    }
    const [sweeps, counts, best] = await Promise.all([listSweeps(db), statusCounts(db), bestRuns(db)]);
    res.json({
      sweeps: sweeps.map((sweep) => {
        const own = counts.filter((row) => row.sweep_id === sweep.id);
        const top = best.find((row) => row.sweep_id === sweep.id);
        return {
          id: sweep.id,
          name: sweep.name,
          createdAt: sweep.created_at,
          updatedAt: sweep.updated_at,
          varying: JSON.parse(sweep.varying_json),
          runCount: own.reduce((sum, row) => sum + row.n, 0),
          statusCounts: Object.fromEntries(own.map((row) => [row.status, row.n])),
          best: top ? { runId: top.run_id, label: top.label, bestValAcc: top.best_val_acc } : null,
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
    res.json({ varying: sweep.varying, values: sweep.values, runs: sweep.runs });
  });

  return router;
}
