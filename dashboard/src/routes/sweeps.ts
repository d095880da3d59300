// GET /api/sweeps, /api/sweeps/:id (with the sweep's winner), /api/sweeps/:id/runs[?limit=&offset=&sort=&order=&q=&tag=&ranges=&ids=]
import { summarizeRuns } from '@ablate/runner';
import { Router, type Request } from 'express';
import { badRequest } from '../http-error.ts';
import {
  optionalString,
  parseChoice,
  parseInteger,
  parseRunIds,
  MAX_RUN_IDS_LENGTH,
  sweepIdOf,
  versionOf,
} from '../params.ts';
import { NO_SWEEPS_HINT, type ResultsDb } from '../results-db.ts';
import { checkColumn, runPage, withinRanges, type Range, type RunQuery } from '../run-table.ts';
import { derive, loadSweep, type SweepWithRuns } from '../sweep-data.ts';
import { SWEEP_PARAM } from '../union.ts';

/** The most rows one page may ask for: a screenful or two, not the sweep. */
const MAX_PAGE = 1000;

/** ?ranges=key:low:high;key:low:high (the parallel coordinates' brushes). */
function rangesOf(req: Request, sweep: SweepWithRuns): Range[] {
  const value = optionalString(req.query, 'ranges', 2000);
  if (!value) return [];
  return value.split(';').map((part) => {
    const match = /^([^:;]+):(-?[\d.e+-]+):(-?[\d.e+-]+)$/i.exec(part);
    const [low, high] = match ? [Number(match[2]), Number(match[3])] : [NaN, NaN];
    if (!match || !Number.isFinite(low) || !Number.isFinite(high))
      throw badRequest(`ranges: expected key:low:high separated by ;, found "${part}"`);
    return { key: checkColumn(sweep, match[1]), low, high };
  });
}

function runQuery(req: Request, sweep: SweepWithRuns): RunQuery {
  const sort = optionalString(req.query, 'sort');
  return {
    text: optionalString(req.query, 'q') ?? '',
    tag: optionalString(req.query, 'tag') || null,
    ranges: rangesOf(req, sweep),
    sort: sort ? checkColumn(sweep, sort) : null,
    descending: parseChoice(optionalString(req.query, 'order'), 'order', ['asc', 'desc'], 'asc') === 'desc',
    offset: parseInteger(optionalString(req.query, 'offset'), 'offset', 0, 999_999, 0),
    limit: parseInteger(optionalString(req.query, 'limit'), 'limit', 1, MAX_PAGE, MAX_PAGE),
  };
}

export function sweepRoutes(results: ResultsDb): Router {
  const router = Router();

  router.get('/api/sweeps', async (_req, res) => {
    const store = await results.get();
    const sweeps = store ? await store.sweepList() : [];
    res.json({ sweeps, hint: sweeps.length ? null : NO_SWEEPS_HINT });
  });

  router.get('/api/sweeps/:id', async (req, res) => {
    const read = await loadSweep(await results.require(), sweepIdOf(req));
    // The winner as the command line reports it (one definition: the runner's summarizeRuns).
    // Sweeps side by side: a config's runs of every sweep are one group (unless on other data or kernels).
    const { metric, winner } = await derive(read, 'summary', () =>
      summarizeRuns(
        read.varying.filter((path) => path !== SWEEP_PARAM),
        read.runs,
      ),
    );
    const { runs, ...sweep } = read;
    res.json({
      ...sweep,
      runCount: runs.length,
      tags: [...new Set(runs.flatMap((run) => run.tags))].sort(),
      winner: { metric, ...winner },
    });
  });

  // Without a query, the whole sweep with its runs. With ?limit, one page of the runs table
  // (filtered and sorted on the server); with ?ids, those runs (within ?ranges, the brushes, when
  // given: the page keeps the selected runs in the brushes without placing runs itself).
  // ?version: the read the page shows.
  router.get('/api/sweeps/:id/runs', async (req, res) => {
    const sweep = await loadSweep(await results.require(), sweepIdOf(req), versionOf(req));
    const ids = optionalString(req.query, 'ids', MAX_RUN_IDS_LENGTH);
    if (ids !== undefined) {
      const wanted = new Set(parseRunIds(ids, 'ids'));
      const inRanges = withinRanges(sweep, rangesOf(req, sweep));
      res.json({ runs: sweep.runs.filter((run, i) => wanted.has(run.id) && inRanges(i)) });
    } else if (req.query.limit !== undefined) res.json(runPage(sweep, runQuery(req, sweep)));
    else res.json(sweep);
  });

  return router;
}
