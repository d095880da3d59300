// GET /api/events[?sweep=ID or ID+ID...]: server-sent events. Each connection polls a cheap change signature
// (the store's changeToken) and pushes `event: change` when it moves, so open pages re-fetch
// without reloading. Polling a WAL database never blocks the sweep writing it.
import { Router } from 'express';
import { notFound } from '../http-error.ts';
import { optionalString, parseSweepKey } from '../params.ts';
import type { ResultsDb } from '../results-db.ts';
import { changeTokenOf } from '../sweep-data.ts';

const KEEPALIVE_MS = 15_000;

export function eventRoutes(results: ResultsDb, pollMs: number): Router {
  const router = Router();

  router.get('/api/events', async (req, res) => {
    const sweepValue = optionalString(req.query, 'sweep');
    // One sweep, or sweeps side by side ("1+2").
    const sweepId = sweepValue === undefined ? null : parseSweepKey(sweepValue);
    const ids = sweepId === null ? [] : [sweepId].flat();
    // An unknown sweep would stream nothing forever. Without a database yet, every sweep is still to come.
    const opened = await results.get();
    for (const id of ids) if (opened && !(await opened.sweep(id))) throw notFound(`no sweep ${id}`);
    res.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
    });
    res.write('retry: 2000\n\n');

    const signature = async () => {
      const store = await results.get();
      if (!store) return 'no database';
      return sweepId === null ? store.changeToken(null) : changeTokenOf(store, sweepId);
    };
    let last = await signature().catch(() => 'unreadable');
    let polling = false;
    const poll = setInterval(async () => {
      if (polling) return; // a slow read (a big checkpoint) must not pile up polls
      polling = true;
      try {
        const now = await signature();
        if (now !== last) {
          last = now;
          res.write(`event: change\ndata: ${JSON.stringify({ sweep: sweepId })}\n\n`);
        }
      } catch {
        // A read that fails mid-write is retried on the next tick.
      } finally {
        polling = false;
      }
    }, pollMs);
    const keepalive = setInterval(() => res.write(': keepalive\n\n'), KEEPALIVE_MS);
    req.on('close', () => {
      clearInterval(poll);
      clearInterval(keepalive);
    });
  });

  return router;
}
