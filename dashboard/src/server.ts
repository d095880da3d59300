// The dashboard's HTTP server: the JSON API over a results database (read-only), the browser app
// from ../public, and Chart.js from node_modules. See ../README.md for the API.
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type NextFunction, type Request, type Response } from 'express';
import { DatabaseUnavailableError } from '@ablate/runner/store';
import { HttpError } from './http-error.ts';
import { ResultsDb } from './results-db.ts';
import { aggregateRoutes } from './routes/aggregates.ts';
import { eventRoutes } from './routes/events.ts';
import { exportRoutes } from './routes/exports.ts';
import { runRoutes } from './routes/runs.ts';
import { sweepRoutes } from './routes/sweeps.ts';
import { warmUp } from './sweep-data.ts';
import { CHART_JS_UMD } from './vendor.ts';

const publicDir = fileURLToPath(new URL('../public', import.meta.url));
// The runner's view module (formatting, diffs, statistics), served to the browser as it is at
// /shared/, so the pages and the runner share one implementation.
const sharedDir = path.dirname(createRequire(import.meta.url).resolve('@ablate/runner/view/format.js'));

export interface AppOptions {
  /** The results database; it may not exist yet. */
  dbPath: string;
  /** How often live pages' event streams look for changes, in ms. */
  pollMs?: number;
  /** PostgreSQL: seconds the start waits for a server that is away (default: it does not wait). */
  dbRetrySeconds?: number;
  /** PostgreSQL: the line saying the server went away, and the one saying it is back. */
  outage?(line: string): void;
}

export interface ServerOptions extends AppOptions {
  host?: string;
  /** 0 picks any free port. */
  port?: number;
}

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

function securityHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.set({
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    // Chart.js sizes its canvases through style attributes, hence 'unsafe-inline' for styles only.
    'Content-Security-Policy': "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:",
  });
  next();
}

function errorHandler(err: unknown, _req: Request, res: Response, _next: NextFunction): void {
  if (err instanceof HttpError) {
    res.status(err.status).json({ error: err.message });
    return;
  }
  // A PostgreSQL server restarting or failing over: the page says so and asks again later.
  if (err instanceof DatabaseUnavailableError) {
    res.status(503).json({ error: err.message });
    return;
  }
  // express.static and the body of a malformed URL raise errors with a status of their own.
  const status = (err as { status?: number }).status;
  if (status && status >= 400 && status < 500) {
    res.status(status).json({ error: (err as Error).message });
    return;
  }
  console.error(err);
  res.status(500).json({ error: err instanceof Error ? err.message : String(err) });
}

export function createApp(options: AppOptions): { app: express.Express; results: ResultsDb } {
  const results = new ResultsDb(options.dbPath, {
    retrySeconds: options.dbRetrySeconds,
    notify: options.outage,
  });
  const app = express();
  app.disable('x-powered-by');
  app.use(securityHeaders);
  app.use(sweepRoutes(results));
  app.use(runRoutes(results));
  app.use(aggregateRoutes(results));
  app.use(exportRoutes(results));
  app.use(eventRoutes(results, options.pollMs ?? 1000));
  app.use('/api', (req, res) => {
    res.status(404).json({ error: `no API route ${req.method} ${req.path}` });
  });
  app.get('/vendor/chart.umd.js', (_req, res) => res.sendFile(CHART_JS_UMD));
  // Only the modules themselves: the folder also holds their tests and type declarations.
  app.get(/^\/shared\/([a-z-]+\.js)$/, (req, res) => res.sendFile(path.join(sharedDir, req.params[0])));
  app.use(express.static(publicDir, { dotfiles: 'deny', index: 'index.html', redirect: false }));
  app.use((_req, res) => {
    res.status(404).type('text/plain').send('not found');
  });
  app.use(errorHandler);
  return { app, results };
}

/**
 * Listens, after opening the store (throwing UnreadableDbError if it cannot read one that is
 * there); a listen error (a busy port) is thrown as it is.
 */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { app, results } = createApp(options);
  await results.check();
  const server = app.listen(options.port ?? 8080, options.host ?? '127.0.0.1');
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
  } catch (err) {
    await results.close(); // its connections would keep the process alive
    throw err;
  }
  const warming = results
    .get()
    .then((store) => store && warmUp(store))
    .catch(() => undefined);
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    async close() {
      // Event streams stay open forever; end them so close() does not wait on them.
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await warming; // its reads finish before the database closes under them
      await results.close();
    },
  };
}
