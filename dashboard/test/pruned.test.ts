// A pruned sweep (halving: 8 of its 12 runs pruned at rungs 1 and 2) as the dashboard serves it:
// the ablation grid counts pruned runs per cell apart from its mean, as it counts diverged ones,
// and the analysis of variance leaves them out among the runs without a value.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../../packages/runner/test/helpers/cli.ts';
import { HALVING, pruneSweep } from '../../packages/runner/test/helpers/prune.ts';
import type { RunningServer } from '../src/server.ts';
import { getJson, startTestServer } from './helpers.ts';

let server: RunningServer;

beforeAll(async () => {
  const dir = tempDir('dashboard-pruned');
  const dbPath = path.join(dir, 'pruned.db');
  const sweep = await runCli(['sweep', pruneSweep(dir, HALVING), '--db', dbPath, '--workers', '2']);
  expect(sweep.code, sweep.stderr).toBe(0);
  server = await startTestServer(dbPath);
}, 120_000);

afterAll(() => server?.close());

describe('a pruned sweep on the dashboard', () => {
  it('counts pruned runs per cell of the ablation grid, out of its mean', async () => {
    const { body } = await getJson(`${server.url}/api/sweeps/1/ablation?rows=train.lr&metric=final_val_acc`);
    expect(body.cells).toHaveLength(6);
    // Each learning rate's two seeds go on together or are pruned together: 4 cells pruned, 2 kept.
    const pruned = body.cells.filter((cell: { pruned: number }) => cell.pruned === 2);
    const kept = body.cells.filter(
      (cell: { pruned: number; n: number }) => cell.pruned === 0 && cell.n === 2,
    );
    expect([pruned.length, kept.length]).toEqual([4, 2]);
    for (const cell of pruned) expect(cell).toMatchObject({ n: 0, mean: null, values: [] });
  });

  it('leaves pruned runs out of the analysis of variance', async () => {
    const { body } = await getJson(`${server.url}/api/sweeps/1/importance?metric=final_val_acc`);
    expect(body.dropped.withoutValue).toBe(8);
  });
});
