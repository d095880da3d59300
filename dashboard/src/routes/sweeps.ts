// GET /api/sweeps, /api/sweeps/:id, /api/sweeps/:id/runs
import { Router } from 'express';
import { sweepIdOf } from '../params.ts';
import { NO_SWEEPS_HINT, type ResultsDb } from '../results-db.ts';
import { loadSweep } from '../sweep-data.ts';

export function sweepRoutes(results: ResultsDb): Router {
  const router = Router();

  router.get('/api/sweeps', async (_req, res) => {
    const store = await results.get();
    const sweeps = store ? await store.sweepList() : [];
    res.json({ sweeps, hint: sweeps.length ? null : NO_SWEEPS_HINT });
  });

  router.get('/api/sweeps/:id', async (req, res) => {
    const { runs, ...sweep } = await loadSweep(await results.require(), sweepIdOf(req));
    res.json({ ...sweep, runCount: runs.length });
  });

  // The whole sweep with its runs: what the sweep page loads, once per refresh.
  router.get('/api/sweeps/:id/runs', async (req, res) => {
    res.json(await loadSweep(await results.require(), sweepIdOf(req)));
  });

  return router;
}
