// The dashboard on a results database written by release 0.1 (the runner's migration fixture,
// schema version 1): as it is, read-only and unmigrated, and after a sweep has migrated it. Every
// sweep, run, epoch, test result and weight shows either way.
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '@ablate/runner/store';
import { getJson, startTestServer } from './helpers.ts';

const FIXTURE = path.join(import.meta.dirname, '../../packages/runner/test/fixtures/release-0.1.db');

function copyOfRelease(): string {
  const copy = path.join(mkdtempSync(path.join(tmpdir(), 'ablate-dashboard-release-')), 'release-0.1.db');
  copyFileSync(FIXTURE, copy);
  return copy;
}

async function migrated(): Promise<string> {
  const copy = copyOfRelease();
  await (await openStore(copy)).close();
  return copy;
}

describe.each([
  ['as release 0.1 wrote it', async () => copyOfRelease()],
  ['migrated by a sweep', migrated],
])('a release-0.1 database, %s', (_, prepare) => {
  it('shows every sweep, run, epoch, test result and weight', async () => {
    const server = await startTestServer(await prepare());
    try {
      const { body: list } = await getJson(`${server.url}/api/sweeps`);
      expect(list.sweeps.map((sweep: { runCount: number }) => sweep.runCount).sort()).toEqual([3, 8]);
      for (const listed of list.sweeps) {
        expect(listed.best).toMatchObject({ metric: 'final_val_acc', value: expect.any(Number) });
        const { status, body: sweep } = await getJson(`${server.url}/api/sweeps/${listed.id}/runs`);
        expect(status).toBe(200);
        expect(sweep.statusCounts).toEqual({ finished: listed.runCount });
        for (const run of sweep.runs) {
          expect(run.epochsDone).toBe(run.epochsPlanned);
          expect(run.results.final_val_acc).toEqual(expect.any(Number));
          expect(run.results.test_acc).toEqual(expect.any(Number));
          const { body: detail } = await getJson(`${server.url}/api/runs/${run.id}`);
          expect(detail.test.accuracy).toBe(run.results.test_acc);
          const { body: series } = await getJson(`${server.url}/api/series?runs=${run.id}`);
          expect(series.series[run.id].epochs).toBe(run.epochsPlanned);
          const { body: weights } = await getJson(`${server.url}/api/runs/${run.id}/weights`);
          const values = weights.shapes.reduce(
            (sum: number, { shape }: { shape: number[] }) => sum + shape.reduce((a, b) => a * b, 1),
            0,
          );
          expect(Buffer.from(weights.data, 'base64').length).toBe(values * 4);
        }
        const by = sweep.varying.find((p: string) => p !== 'seed');
        const { status: depth, body: profile } = await getJson(
          `${server.url}/api/sweeps/${listed.id}/depth?by=${by}`,
        );
        expect(depth).toBe(200);
        expect(profile.epochs[0]).toBe(0);
        expect(profile.groups.reduce((n: number, g: { n: number }) => n + g.n, 0)).toBe(listed.runCount);
      }
    } finally {
      await server.close();
    }
  });
});
