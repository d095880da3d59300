// GET /api/events[?sweep=ID]: server-sent events. Each connection polls a cheap change signature
// (the store's changeToken) and pushes `event: change` when it moves, so open pages re-fetch
// without reloading. Polling a WAL database never blocks the sweep writing it.
import { Router } from 'express';
import { notFound } from '../http-error.ts';
import { optionalString, parseSweepId } from '../params.ts';
import type { ResultsDb } from '../results-db.ts';

const KEEPALIVE_MS = 15_000;

export function eventRoutes(results: ResultsDb, pollMs: number): Router {
  const router = Router();

  router.get('/api/events', async (req, res) => {
    const sweepValue = optionalString(req.query, 'sweep');
    const sweepId = sweepValue === undefined ? null : parseSweepId(sweepValue);
    // An unknown sweep would stream nothing forever. Without a database yet, every sweep is still to come.
    const opened = await results.get();
    if (opened && sweepId !== null && !(await opened.sweep(sweepId))) throw notFound(`no sweep ${sweepId}`);
    res.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
    });
    res.write('retry: 2000\n\n');

    const signature = async () => {
      const store = await results.get();
      return store ? store.changeToken(sweepId) : 'no database';
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
