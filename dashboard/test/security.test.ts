// Path traversal, SQL-looking and oversized parameters are refused, and the database is intact.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openForReading } from '@ablate/runner/store';
import type { RunningServer } from '../src/server.ts';
import { copyOfSmokeDb, startTestServer } from './helpers.ts';

let server: RunningServer;
let dbPath: string;

async function tableCounts(path: string): Promise<Record<string, number>> {
  const db = await openForReading(path);
  const counts: Record<string, number> = {};
  for (const table of ['sweeps', 'runs', 'sweep_runs', 'epochs', 'layer_stats', 'test_results']) {
    // Table names come from the literal list above, not from a request.
    counts[table] = (await db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`))!.n;
  }
  await db.close();
  return counts;
}

let before: Record<string, number>;

beforeAll(async () => {
  dbPath = copyOfSmokeDb();
  before = await tableCounts(dbPath);
  server = await startTestServer(dbPath);
});

afterAll(() => server.close());

/** fetch() normalizes "..", so send raw paths with a plain HTTP request. */
async function rawGet(path: string): Promise<{ status: number; text: string }> {
  const { request } = await import('node:http');
  const url = new URL(server.url);
  return new Promise((resolve, reject) => {
    request({ host: url.hostname, port: url.port, path, method: 'GET' }, (res) => {
      let text = '';
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, text }));
    })
      .on('error', reject)
      .end();
  });
}

describe('static files', () => {
  it.each([
    '/..%2f..%2fpackage.json',
    '/..%2F..%2Fpackage.json',
    '/%2e%2e/%2e%2e/package.json',
    '/%2e%2e%2f%2e%2e%2fpackage.json',
    '/../../package.json',
    '/..%5c..%5cpackage.json',
    '/lib/..%2f..%2f..%2fpackage.json',
    '/%252e%252e%252fpackage.json',
    '/.env',
    '/vendor/..%2f..%2fsrc%2fserver.ts',
  ])('%s is refused', async (path) => {
    const { status, text } = await rawGet(path);
    expect(status).toBeGreaterThanOrEqual(400);
    expect(text).not.toContain('"workspaces"');
    expect(text).not.toContain('createApp');
  });

  it('serves its own files and Chart.js', async () => {
    expect((await rawGet('/')).text).toContain('<script type="module" src="/app.js">');
    expect((await rawGet('/vendor/chart.umd.js')).text).toContain('Chart.js');
  });
});

describe('parameters', () => {
  it.each([
    '/api/sweeps/1;DROP TABLE runs',
    "/api/sweeps/1' OR '1'='1",
    '/api/events?sweep=1;DROP TABLE runs',
    '/api/series?runs=x%27);DROP%20TABLE%20runs;--',
    '/api/sweeps/1/groups?by=train.init;DROP TABLE epochs',
    '/api/sweeps/1/ablation?rows=train.init&metric=final_val_acc;DELETE FROM runs',
    `/api/sweeps/1/groups?by=${'a'.repeat(201)}`,
    `/api/series?runs=${Array.from({ length: 65 }, (_, i) => `run${i}`).join(',')}`,
    `/api/series?runs=${'a'.repeat(6000)}`,
    `/api/runs/${'a'.repeat(81)}`,
    `/api/sweeps/${'9'.repeat(20)}`,
  ])('%s -> 400', async (path) => {
    const response = await fetch(`${server.url}${encodeURI(path)}`);
    expect(response.status).toBe(400);
    expect((await response.json()).error).toBeTruthy();
  });

  it('left the database intact', async () => {
    expect(await tableCounts(dbPath)).toEqual(before);
  });
});
