// A sweep with a user's own layer shared on PostgreSQL: a worker whose copy of the layer's file
// differs from the one the sweep was planned with, or lacks it, declines the sweep in one line and
// trains nothing; with the same copy it trains the runs. Lesson 004's network, trained unchecked,
// ends stalled and is diagnosed from what PostgreSQL stores as it is from SQLite.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { moduleDir, writeCustomSweep } from '../helpers/custom-modules.ts';
import { repoRoot } from '../helpers/workspace.ts';
import { pgRows } from './cluster.ts';
import { startPostgres, type PostgresServer } from './server.ts';

let server: PostgresServer;
beforeAll(() => {
  server = startPostgres();
});
afterAll(() => server?.stop());

it('has a worker with another copy of a custom layer decline the sweep; the same copy trains it', async () => {
  const url = await server.database();
  const dir = moduleDir();
  const file = writeCustomSweep(dir);
  const swept = await runCli(['sweep', file, '--db', url, '--workers', '1']);
  expect(swept.code, swept.stderr).toBe(0);
  await pgRows(url, "UPDATE runs SET status = 'pending', attempt = 0, epochs_done = 0, claimed_by = NULL");
  for (const table of ['epochs', 'layer_stats', 'test_results', 'weights'])
    await pgRows(url, `DELETE FROM ${table}`);

  const layer = path.join(dir, 'my-dense.ts');
  const source = readFileSync(layer, 'utf8');
  writeFileSync(layer, `${source}// this machine's edit\n`);
  const edited = await runCli(['worker', '--db', url]);
  expect(edited.code).toBe(0);
  expect(edited.stderr.trim()).toMatch(
    /^ablate: worker: sweep "custom" \(#1\): \S+my-dense\.ts: this copy has SHA-256 [0-9a-f]{12}, the sweep's is [0-9a-f]{12}; declined$/,
  );
  renameSync(layer, `${layer}.away`);
  const missing = await runCli(['worker', '--db', url]);
  expect(missing.stderr.trim()).toMatch(
    /^ablate: worker: sweep "custom" \(#1\): \S+my-dense\.ts: cannot read it here \(ENOENT\); declined$/,
  );
  expect(await pgRows(url, "SELECT 1 FROM runs WHERE status <> 'pending'")).toEqual([]);

  renameSync(`${layer}.away`, layer);
  writeFileSync(layer, source);
  const same = await runCli(['worker', '--db', url, '--workers', '2']);
  expect(same.code, same.stderr).toBe(0);
  expect(await pgRows(url, "SELECT status FROM runs WHERE status <> 'finished'")).toEqual([]);
}, 120_000);

it("ends lesson 004's unchecked run stalled, with vanishing gradients, on PostgreSQL", async () => {
  const url = await server.database();
  const file = path.join(repoRoot, 'experiments', 'custom-layer', 'lesson-004.yaml');
  const swept = await runCli(['sweep', file, '--db', url, '--no-check']);
  expect(swept.code, swept.stderr).toBe(0);
  const [{ id }] = await pgRows<{ id: string }>(url, 'SELECT id FROM runs');
  const { diagnosis, run } = JSON.parse((await runCli(['show', id, '--db', url, '--json'])).stdout);
  expect([run.status, run.epochs_done]).toEqual(['stalled', 6]);
  expect(await pgRows(url, 'SELECT run_id FROM weights')).toEqual([{ run_id: id }]);
  expect(diagnosis).toMatchObject({ verdict: 'stalled', cause: 'vanishing gradients' });
  for (const std of Object.values(diagnosis.statistic.values) as number[]) expect(std).toBeLessThan(1e-7);
}, 60_000);
