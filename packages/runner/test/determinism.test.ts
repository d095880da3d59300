// A run's numbers depend on its config, its seed and the kernel set only: on each kernel set, the
// same sweep on 1 and on 2 workers gives bit-identical epochs, layer statistics, test results and
// weights, and records the kernel set that trained it; so does a sweep using every training knob
// (schedules with warmup, gradient clipping, early stopping with restoreBest, dropout, batch norm).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { knobsSweep, runCli, tempDir, withDb, writeSweep } from './helpers/cli.ts';
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

  it('gives the same bits with 1 and 2 workers for a sweep using every knob', async () => {
    const dir = tempDir('determinism-knobs');
    const file = path.join(dir, 'knobs.yaml');
    writeFileSync(file, KNOBS);
    const dbs = [path.join(dir, 'one.db'), path.join(dir, 'two.db')];
    const env = { ABLATE_KERNELS: kernelSet };
    const ran = await Promise.all(
      dbs.map((db, i) => runCli(['sweep', file, '--db', db, '--workers', String(i + 1)], env)),
    );
    expect(ran.map((r) => r.code)).toEqual([0, 0]);
    const [fromOne, fromTwo] = await Promise.all(dbs.map(results));
    const runs = fromOne[5] as Array<{ status: string; epochs_done: number }>;
    expect(runs.map((run) => run.status)).toEqual(Array(8).fill('finished'));
    // Early stopping ended some runs before their 6 epochs: the comparison covers stopped runs.
    expect(runs.some((run) => run.epochs_done < 6)).toBe(true);
    expect(fromTwo).toEqual(fromOne);
  }, 120_000);
});

/** A sweep of 8 runs over MNIST's first images using every training knob. */
const KNOBS = knobsSweep(
  'knobs',
  `train:
  epochs: 6
  batchSize: 32
  lr: 0.5
  clipGradNorm: 2
  earlyStop: { metric: val_loss, patience: 1, restoreBest: true }
sweep:
  grid:
    train.schedule:
      - { name: cosine, minLr: 0.01, warmupEpochs: 2 }
      - { name: step, every: 2, gamma: 0.5 }
    train.optimizer: [sgd, momentum]
  seeds: 2
`,
);
