// A run's numbers depend on its config, its seed and the kernel set only: on each kernel set, the
// same sweep on 1 and on 2 workers gives bit-identical epochs, layer statistics, test results and
// weights, and records the kernel set that trained it.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir, withDb, writeSweep } from './helpers/cli.ts';
import { results } from './helpers/results.ts';

const RUNS = 4; // 2 learning rates x 2 seeds
const EPOCHS = 2;

describe.each(['native', 'wasm', 'reference'])('determinism on the %s kernels', (kernelSet) => {
  it('gives the same bits with 1 and 2 workers', async () => {
    const dir = tempDir('determinism');
    const file = writeSweep(dir, 'tiny.yaml', { lrs: [0.1, 0.05], seeds: 2, epochs: EPOCHS });
    const one = path.join(dir, 'one.db');
    const two = path.join(dir, 'two.db');
    const env = { ABLATE_KERNELS: kernelSet };
    const [a, b] = await Promise.all([
      runCli(['sweep', file, '--db', one, '--workers', '1'], env),
      runCli(['sweep', file, '--db', two, '--workers', '2'], env),
    ]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const [fromOne, fromTwo] = await Promise.all([results(one), results(two)]);
    const kernels = await withDb(one, (db) => db.all('SELECT DISTINCT kernels FROM runs'));
    expect(kernels).toEqual([{ kernels: expect.stringMatching(new RegExp(`^${kernelSet}`)) }]);
    // Every run finished (so there is something to compare) and wrote every epoch.
    const [epochs, , , , weights] = fromOne;
    expect(epochs).toHaveLength(RUNS * EPOCHS);
    expect(weights).toHaveLength(RUNS);
    expect(fromTwo).toEqual(fromOne);
  });
});
