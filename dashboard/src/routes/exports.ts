// GET /api/sweeps/:id/export.csv, /api/sweeps/:id/export.json (long format, streamed a run at a time),
// GET /api/sweeps/:id/ablation.md?rows=&cols=&metric= (the ablation table as Markdown)
import { Router, type Response } from 'express';
import { ablationMarkdown, csvHeader, csvLines, longRowsByRun } from '../exports.ts';
import { sweepIdOf, versionOf } from '../params.ts';
import type { ResultsDb } from '../results-db.ts';
import { loadSweep, loadSweepEpochs, type SweepWithRuns } from '../sweep-data.ts';
import { ablationOf } from './aggregates.ts';

/** A download name made of safe characters only (the sweep name comes from a YAML file). */
function attachment(res: Response, sweep: SweepWithRuns, extension: string): void {
  const base = `${sweep.name.replace(/[^A-Za-z0-9_.-]+/g, '_').slice(0, 60)}-${sweep.id}`;
  res.attachment(`${base}.${extension}`);
}

/**
 * Writes the chunks as the client takes them: waits whenever the socket's buffer is full, and
 * stops when the client has gone, so memory holds about one run's rows whatever the sweep's size.
 */
async function stream(res: Response, chunks: Iterable<string>): Promise<void> {
  for (const chunk of chunks) {
    if (res.destroyed) return;
    if (!res.write(chunk)) await drainedOrClosed(res);
  }
  res.end();
}

function drainedOrClosed(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done).off('close', done);
      resolve();
    };
    res.on('drain', done).on('close', done);
  });
}

export function exportRoutes(results: ResultsDb): Router {
  const router = Router();

  router.get('/api/sweeps/:id/export.csv', async (req, res) => {
    const store = await results.require();
    const sweep = await loadSweep(store, sweepIdOf(req), versionOf(req));
    const epochs = await loadSweepEpochs(store, sweep);
    attachment(res, sweep, 'csv');
    res.type('text/csv');
    const lines = mapLazy(longRowsByRun(sweep, epochs), (rows) => csvLines(sweep, rows));
    await stream(res, concatLazy([csvHeader(sweep)], lines));
  });

  router.get('/api/sweeps/:id/export.json', async (req, res) => {
    const store = await results.require();
    const sweep = await loadSweep(store, sweepIdOf(req), versionOf(req));
    const epochs = await loadSweepEpochs(store, sweep);
    attachment(res, sweep, 'json');
    res.type('application/json');
    const head = { id: sweep.id, name: sweep.name, createdAt: sweep.createdAt, varying: sweep.varying };
    let first = true;
    const rows = mapLazy(longRowsByRun(sweep, epochs), (runRows) => {
      const text = runRows.map((row) => JSON.stringify(row)).join(',');
      const separated = first || !text ? text : `,${text}`;
      first &&= !text;
      return separated;
    });
    await stream(res, concatLazy([`{"sweep":${JSON.stringify(head)},"rows":[`], rows, [']}']));
  });

  router.get('/api/sweeps/:id/ablation.md', async (req, res) => {
    const sweep = await loadSweep(await results.require(), sweepIdOf(req), versionOf(req));
    attachment(res, sweep, 'md');
    res.type('text/markdown').send(ablationMarkdown(sweep, await ablationOf(req, sweep)));
  });

  return router;
}

function* mapLazy<T, U>(items: Iterable<T>, map: (item: T) => U): Generator<U> {
  for (const item of items) yield map(item);
}

function* concatLazy<T>(...parts: Iterable<T>[]): Generator<T> {
  for (const part of parts) yield* part;
}
