// A user's own layer and loss in a model, and the gradient check every component gets: the built-in
// ones and a hand-written Dense pass on real MNIST batches, lesson 004's summed output delta fails
// at dz, and a bad module is refused naming its key and file.
import { Rng, Tensor } from '@ablate/tensor';
import { describe, expect, it } from 'vitest';
import * as myDense from '../../../experiments/custom-layer/my-dense.ts';
import * as summedDelta from '../../../experiments/custom-layer/summed-delta-loss.ts';
import { ACTIVATIONS, checkModel, GRADIENT_CHECK, Sequential, type ModelSpec } from '../src/index.ts';
import { mnist, tensors } from './data.ts';

const { train } = mnist(64, 1);
const { x, y } = tensors(train);
const modules = new Map<string, Record<string, unknown>>([
  ['my-dense.ts', myDense],
  ['summed-delta-loss.ts', summedDelta],
]);
const build = (spec: Omit<ModelSpec, 'input' | 'output'>, extra: Record<string, unknown> = {}) =>
  new Sequential(
    { input: 784, output: 10, ...spec },
    { rng: new Rng(1), dropoutRng: new Rng(2), optimizer: { name: 'sgd', lr: 0.1 }, modules, ...extra },
  );
const worst = (rows: { maxRelError: number }[]) => Math.max(...rows.map((r) => r.maxRelError));

describe('the gradient check', () => {
  it.each(ACTIVATIONS.filter((a) => a !== 'softmax'))(
    'passes every built-in component (hidden %s)',
    (act) => {
      const model = build({ hidden: [32, 16], activation: act, batchNorm: act === 'tanh' });
      const rows = checkModel(model, x, y, 1);
      // 3 layers x (W, b, dx), 3 activations, the loss.
      expect(rows).toHaveLength(13);
      for (const row of rows) expect(row, `${row.component} ${row.tensor}`).toMatchObject({ passed: true });
      // A fifth of the tolerance: float32 rounding and the step's truncation, nothing more.
      expect(worst(rows)).toBeLessThan(GRADIENT_CHECK.tolerance / 5);
    },
  );

  it('passes mse and bce outputs', () => {
    const yBinary = new Tensor(
      Float32Array.from({ length: 64 }, (_, i) => y.data[i * 10]),
      [64, 1],
    );
    const bce = new Sequential(
      { input: 784, output: 1, hidden: [8], outputActivation: 'sigmoid', loss: 'bce' },
      { rng: new Rng(1), optimizer: { name: 'sgd', lr: 0.1 } },
    );
    expect(checkModel(bce, x, yBinary, 1).every((r) => r.passed)).toBe(true);
    const mse = build({ hidden: [8], outputActivation: 'sigmoid', loss: 'mse' });
    expect(checkModel(mse, x, y, 1).every((r) => r.passed)).toBe(true);
  });

  it("passes a user's hand-written Dense, and only its rows with onlyCustom", () => {
    const model = build({ hidden: [32], layers: [{ file: 'my-dense.ts' }, 'dense'] });
    const rows = checkModel(model, x, y, 1, true);
    expect(rows.map((r) => `${r.file} ${r.component}.${r.tensor}`)).toEqual([
      'my-dense.ts custom0.W',
      'my-dense.ts custom0.b',
      'my-dense.ts custom0.dx',
    ]);
    expect(rows.every((r) => r.passed)).toBe(true);
  });

  it("catches lesson 004's summed output delta at dz", () => {
    const model = build({
      hidden: [32, 16],
      activation: ['relu', 'sigmoid'],
      loss: { file: 'summed-delta-loss.ts' },
    });
    const rows = checkModel(model, x, y, 1, true);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      file: 'summed-delta-loss.ts',
      component: 'loss',
      tensor: 'dz',
      passed: false,
    });
    expect(rows[0].maxRelError).toBeGreaterThan(0.5);
  });

  it('a user layer trains exactly as the built-in Dense it restates', () => {
    const mine = build({ hidden: [16], layers: [{ file: 'my-dense.ts' }, { file: 'my-dense.ts' }] });
    const builtin = build({ hidden: [16] });
    for (let step = 0; step < 3; step++) expect(mine.trainStep(x, y)).toBe(builtin.trainStep(x, y));
    expect(mine.exportWeights().data).toEqual(builtin.exportWeights().data);
  });
});

describe('a bad module', () => {
  const refused = (spec: Omit<ModelSpec, 'input' | 'output'>, mods: Map<string, Record<string, unknown>>) =>
    expect(
      () =>
        new Sequential(
          { input: 784, output: 10, ...spec },
          { rng: new Rng(1), optimizer: { name: 'sgd', lr: 0.1 }, modules: mods },
        ),
    ).toThrow();
  it('without the export, or whose factory throws, is refused naming the key and file', () => {
    const none = new Map([['x.ts', {}]]);
    expect(
      () =>
        new Sequential(
          { input: 784, output: 10, hidden: [4], layers: [{ file: 'x.ts' }, 'dense'] },
          { rng: new Rng(1), optimizer: { name: 'sgd', lr: 0.1 }, modules: none },
        ),
    ).toThrow('model.layers[0].file: x.ts: expected the module to export a function `layer`');
    const throws = new Map([
      [
        'x.ts',
        {
          loss: () => {
            throw new Error('boom');
          },
        },
      ],
    ]);
    refused({ hidden: [4], loss: { file: 'x.ts' } }, throws);
    expect(
      () =>
        new Sequential(
          { input: 784, output: 10, hidden: [4], loss: { file: 'x.ts' } },
          { rng: new Rng(1), optimizer: { name: 'sgd', lr: 0.1 }, modules: throws },
        ),
    ).toThrow('model.loss.file: x.ts: `loss` threw: boom');
  });
});
