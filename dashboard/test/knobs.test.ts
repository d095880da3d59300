// The training knobs as the dashboard sees them, on experiments/bn-init.yaml itself made small (one
// seed, one epoch, 300 images): model.batchNorm and train.init are params like any other (the
// ablation heatmap, the importance analysis, parallel coordinates), and the depth view at epoch 0
// shows what the README reports: with batch norm, every init gives its hidden layers the same
// signal; without it, they differ by orders of magnitude.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../../packages/runner/test/helpers/cli.ts';
import type { RunningServer } from '../src/server.ts';
import { getJson, startTestServer } from './helpers.ts';

const BN_INIT = fileURLToPath(new URL('../../experiments/bn-init.yaml', import.meta.url));

let server: RunningServer;
let sweepId: number;

beforeAll(async () => {
  const db = path.join(tempDir('knobs'), 'bn-init.db');
  const small = [
    'data.subset={first: 300}',
    'data.testSubset={first: 100}',
    'data.validation=100',
    'train.epochs=1',
    'sweep.seeds=1',
  ];
  const ran = await runCli(['sweep', BN_INIT, '--db', db, ...small]);
  expect(ran.code, ran.stderr).toBe(0);
  server = await startTestServer(db);
  const { body } = await getJson(`${server.url}/api/sweeps`);
  sweepId = body.sweeps[0].id;
}, 120_000);

afterAll(() => server?.close());

describe('batch norm and init in the dashboard', () => {
  it('are params like any other: heatmap, importance, parallel coordinates', async () => {
    const ablation = await getJson(
      `${server.url}/api/sweeps/${sweepId}/ablation?rows=train.init&cols=model.batchNorm`,
    );
    expect(ablation.status).toBe(200);
    expect(ablation.body.cols.values).toEqual([false, true]);
    expect(ablation.body.cells).toHaveLength(8);
    const importance = await getJson(`${server.url}/api/sweeps/${sweepId}/importance`);
    expect(importance.body.factors.map((f: { name: string }) => f.name)).toEqual([
      'train.init',
      'model.batchNorm',
    ]);
    const parallel = await getJson(`${server.url}/api/sweeps/${sweepId}/parallel`);
    expect(parallel.body.axes.map((a: { key: string }) => a.key)).toEqual([
      'train.init',
      'model.batchNorm',
      'final_val_acc',
    ]);
  });

  it('the depth view at epoch 0: the same signal for every init with batch norm, not without', async () => {
    const { status, body } = await getJson(
      `${server.url}/api/sweeps/${sweepId}/depth?by=model.batchNorm&epoch=0&stat=act_std`,
    );
    expect(status).toBe(200);
    const group = (bn: boolean) =>
      body.groups.find((g: { params: Record<string, unknown> }) => g.params['model.batchNorm'] === bn);
    const [without, withNorm] = [group(false), group(true)];
    expect([without.n, withNorm.n]).toEqual([4, 4]);
    // The four hidden layers (the output layer has no batch norm): the std across the 4 inits.
    for (let layer = 0; layer < 4; layer++) {
      expect(withNorm.std[layer]).toBeLessThan(0.01);
      expect(without.std[layer]).toBeGreaterThan(0.2);
    }
  });
});
