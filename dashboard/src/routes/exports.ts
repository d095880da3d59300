// GET /api/sweeps/:id/export.csv, /api/sweeps/:id/export.json (long format),
// GET /api/sweeps/:id/ablation.md?rows=&cols=&metric= (the ablation table as Markdown)
import { Router, type Response } from 'express';
import { ablationMarkdown, longRows, toCsv } from '../exports.ts';
import { sweepIdOf } from '../params.ts';
import type { ResultsDb } from '../results-db.ts';
import { loadSweep, type SweepWithRuns } from '../sweep-data.ts';
import { ablationOf } from './aggregates.ts';

/** A download name made of safe characters only (the sweep name comes from a YAML file). */
function attachment(res: Response, sweep: SweepWithRuns, extension: string): void {
  const base = `${sweep.name.replace(/[^A-Za-z0-9_.-]+/g, '_').slice(0, 60)}-${sweep.id}`;
  res.attachment(`${base}.${extension}`);
}

export function exportRoutes(results: ResultsDb): Router {
  const router = Router();

  router.get('/api/sweeps/:id/export.csv', async (req, res) => {
    const store = await results.require();
    const sweep = await loadSweep(store, sweepIdOf(req));
    attachment(res, sweep, 'csv');
    res.type('text/csv').send(toCsv(sweep, longRows(sweep, await store.epochsOfSweep(sweep.id))));
  });

  router.get('/api/sweeps/:id/export.json', async (req, res) => {
    const store = await results.require();
    const sweep = await loadSweep(store, sweepIdOf(req));
    attachment(res, sweep, 'json');
    res.json({
      sweep: { id: sweep.id, name: sweep.name, createdAt: sweep.createdAt, varying: sweep.varying },
      rows: longRows(sweep, await store.epochsOfSweep(sweep.id)),
    });
  });

  router.get('/api/sweeps/:id/ablation.md', async (req, res) => {
    const sweep = await loadSweep(await results.require(), sweepIdOf(req));
    attachment(res, sweep, 'md');
    res.type('text/markdown').send(ablationMarkdown(sweep, ablationOf(req, sweep)));
  });

  return router;
}
