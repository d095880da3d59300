// The dashboard on a PostgreSQL server that goes away: started before the server is up, it waits
// for it (as `ablate serve` does for --db-retry-seconds); while the server is stopped its pages
// answer 503 with a one-line reason, never a stack trace; once it is back they show the runs again.
// A server of its own, so that stopping it disturbs no other test.
import { expect, inject, it } from 'vitest';
import { startPostgres } from '../../packages/runner/test/pg/server.ts';
import { waitFor } from '../../packages/runner/test/helpers/cli.ts';
import { startServer } from '../src/server.ts';
import { ablate } from './global-setup.ts';
import { getJson } from './helpers.ts';

it('waits for the server at the start, answers 503 in one line while it is away, and shows the runs again', async () => {
  const postgres = startPostgres();
  try {
    const url = await postgres.database();
    await ablate(['export', '1', '--db', inject('smokeDb'), '--to', url]);
    const lines: string[] = [];
    postgres.down();
    const starting = startServer({
      dbPath: url,
      port: 0,
      dbRetrySeconds: 120,
      outage: (line) => lines.push(line),
    });
    await waitFor(async () =>
      lines.some((line) => /unreachable \(.*\); waiting up to 120 s for it$/.test(line)),
    );
    postgres.up();
    const server = await starting;
    try {
      const runs = await getJson(`${server.url}/api/sweeps/1/runs`);
      expect(runs.status).toBe(200);

      postgres.down();
      const away = await getJson(`${server.url}/api/sweeps/1/runs`);
      expect(away.status).toBe(503);
      expect(Object.keys(away.body)).toEqual(['error']);
      expect(away.body.error).toMatch(/^results database postgresql:\/\/\S+: unreachable \([^\n]*\)$/);

      postgres.up();
      expect(await getJson(`${server.url}/api/sweeps/1/runs`)).toEqual(runs);
      expect(lines.filter((line) => / is back after /.test(line))).toHaveLength(2);
    } finally {
      await server.close();
    }
  } finally {
    postgres.stop();
  }
}, 120_000);
