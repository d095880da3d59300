import { describe, expect, it } from 'vitest';
import {
  analyseFactors,
  balanceGrid,
  factorialAnova,
  factorLabels,
  fSurvival,
  sweepFactors,
} from './anova.js';

// Montgomery, Design and Analysis of Experiments, Example 5.1 (battery life): material type (3)
// x temperature (15, 70, 125 F), 4 replicates. The book's ANOVA table: material SS 10683.72 (df 2,
// F 7.91, p 0.0020), temperature SS 39118.72 (df 2, F 28.97), interaction SS 9613.78 (df 4,
// F 3.56, p 0.0186), error SS 18230.75 (df 27), total SS 77646.97 (df 35).
const BATTERY: Record<string, Record<string, number[]>> = {
  '1': { '15': [130, 155, 74, 180], '70': [34, 40, 80, 75], '125': [20, 70, 82, 58] },
  '2': { '15': [150, 188, 159, 126], '70': [136, 122, 106, 115], '125': [25, 70, 58, 45] },
  '3': { '15': [138, 110, 168, 160], '70': [174, 120, 150, 139], '125': [96, 104, 82, 60] },
};
const batteryRows = Object.entries(BATTERY).flatMap(([material, byTemperature]) =>
  Object.entries(byTemperature).flatMap(([temperature, lives]) =>
    lives.map((value) => ({ levels: [material, temperature], value })),
  ),
);

describe('factorial ANOVA', () => {
  it("reproduces Montgomery's two-way table (battery life, Example 5.1)", () => {
    const grid = balanceGrid(2, batteryRows);
    expect(grid).toMatchObject({ replicates: 4, droppedRows: 0, droppedLevels: [] });
    const table = factorialAnova(grid.levels, grid.rows);
    const [material, temperature, interaction] = table.effects;
    expect(material).toMatchObject({ factors: [0], df: 2 });
    expect(material.ss).toBeCloseTo(10683.72, 2);
    expect(material.f).toBeCloseTo(7.91, 2);
    expect(material.p).toBeCloseTo(0.002, 4);
    expect(temperature).toMatchObject({ factors: [1], df: 2 });
    expect(temperature.ss).toBeCloseTo(39118.72, 2);
    expect(temperature.f).toBeCloseTo(28.97, 2);
    expect(temperature.p).toBeLessThan(0.0001);
    expect(interaction).toMatchObject({ factors: [0, 1], df: 4 });
    expect(interaction.ss).toBeCloseTo(9613.78, 2);
    expect(interaction.f).toBeCloseTo(3.56, 2);
    expect(interaction.p).toBeCloseTo(0.0186, 4);
    expect(table.residual.ss).toBeCloseTo(18230.75, 2);
    expect(table.residual.df).toBe(27);
    expect(table.total).toMatchObject({ df: 35 });
    expect(table.total.ss).toBeCloseTo(77646.97, 2);
    expect(temperature.eta2).toBeCloseTo(39118.72 / 77646.97, 6);
  });

  it('splits a three-factor grid into mains, pairs and a higher-order remainder that add up', () => {
    const rows = [];
    for (const a of ['a0', 'a1'])
      for (const b of ['b0', 'b1', 'b2'])
        for (const c of ['c0', 'c1'])
          for (let r = 0; r < 3; r++)
            rows.push({
              levels: [a, b, c],
              value:
                (a === 'a1' ? 2 : 0) +
                b.length * r +
                (c === 'c1' && b === 'b2' ? 1 : 0) +
                Math.sin(rows.length),
            });
    const grid = balanceGrid(3, rows);
    const table = factorialAnova(grid.levels, grid.rows);
    expect(table.effects.map((e) => e.factors)).toEqual([[0], [1], [2], [0, 1], [0, 2], [1, 2], [0, 1, 2]]);
    expect(table.effects.map((e) => e.df)).toEqual([1, 2, 1, 2, 1, 2, 2]);
    const explained = table.effects.reduce((sum, e) => sum + e.ss, 0);
    expect(explained + table.residual.ss).toBeCloseTo(table.total.ss, 9);
    expect(table.residual.df).toBe(36 - 12);
  });
});

describe('balancing an unbalanced grid', () => {
  it('drops the level missing from the most cells, then extra replicates, and says so', () => {
    const rows = batteryRows.filter(
      // Material 3 has no run at 125 F and at 70 F; material 1 at 15 F has only 3 replicates.
      (row, i) => !(row.levels[0] === '3' && row.levels[1] !== '15') && i !== 3,
    );
    const grid = balanceGrid(2, rows);
    expect(grid.droppedLevels).toEqual([{ factor: 0, level: '3' }]);
    expect(grid.replicates).toBe(3);
    expect(grid.levels).toEqual([
      ['1', '2'],
      ['15', '70', '125'],
    ]);
    expect(grid.rows).toHaveLength(2 * 3 * 3);
    expect(grid.droppedRows).toBe(rows.length - 18);
  });
});

describe('F distribution', () => {
  it('matches scipy.stats.f.sf', () => {
    expect(fSurvival(3.35, 2, 27)).toBeCloseTo(0.05, 3);
    expect(fSurvival(1, 1, 1)).toBeCloseTo(0.5, 12);
    expect(fSurvival(0, 3, 10)).toBe(1);
  });
});

// experiments/mnist.yaml's axes: three grid keys and a link of lr with batch size (the linear
// scaling rule), 2 seeds: 32 runs.
const MNIST_SPEC = {
  grid: {
    'model.hidden': [[64], [128, 64]],
    'train.init': ['he_normal', { name: 'normal', std: 0.1 }],
    'train.optimizer.momentum': [0, 0.9],
  },
  link: [{ 'train.lr': [0.025, 0.05], 'train.batchSize': [32, 64] }],
};
const MNIST_VARYING = [
  'model.hidden',
  'train.init',
  'train.optimizer.momentum',
  'train.lr',
  'train.batchSize',
  'seed',
];

/** One run per grid point and seed; value: its metric from its params and seed. */
function mnistRuns(value: (params: Record<string, unknown>, seed: number) => number) {
  const runs = [];
  for (const seed of [1, 2])
    for (const hidden of MNIST_SPEC.grid['model.hidden'])
      for (const init of MNIST_SPEC.grid['train.init'])
        for (const momentum of MNIST_SPEC.grid['train.optimizer.momentum'])
          for (const [i, lr] of MNIST_SPEC.link[0]['train.lr'].entries()) {
            const params = {
              'model.hidden': hidden,
              // The same spec written in another key order is the same level.
              'train.init': typeof init === 'string' || seed === 1 ? init : { std: 0.1, name: 'normal' },
              'train.optimizer.momentum': momentum,
              'train.lr': lr,
              'train.batchSize': MNIST_SPEC.link[0]['train.batchSize'][i],
              seed,
            };
            runs.push({ params, value: value(params, seed) });
          }
  return runs;
}

describe("a sweep's factors: the axes of its grid", () => {
  it('makes a link group one factor, and a grid key each one, in the order the sweep varies them', () => {
    expect(sweepFactors(MNIST_SPEC, MNIST_VARYING)).toEqual([
      { name: 'model.hidden', paths: ['model.hidden'], kind: 'grid' },
      { name: 'train.init', paths: ['train.init'], kind: 'grid' },
      { name: 'train.optimizer.momentum', paths: ['train.optimizer.momentum'], kind: 'grid' },
      { name: 'train.lr/train.batchSize', paths: ['train.lr', 'train.batchSize'], kind: 'link' },
    ]);
  });

  it('makes the sampled params one factor: a sampled point is a group', () => {
    const spec = {
      grid: { 'train.init': ['he_normal', 'glorot_uniform'] },
      sample: {
        params: { 'train.lr': { logUniform: [0.001, 0.1] }, 'train.batchSize': { choice: [32, 64] } },
      },
    };
    const factors = sweepFactors(spec, ['train.init', 'train.lr', 'train.batchSize', 'seed']);
    expect(factors.map((factor) => [factor.name, factor.kind])).toEqual([
      ['train.init', 'grid'],
      ['train.lr/train.batchSize', 'sample'],
    ]);
    expect(factorLabels(factors)).toEqual(['init', 'lr/batchSize (sampled point)']);
  });

  it('leaves out paths that do not vary; a varying path no axis names is a factor of its own', () => {
    // The lr is the same at both points of the link: only the batch size varies.
    const spec = { grid: {}, link: [{ 'train.lr': [0.1, 0.1], 'train.batchSize': [32, 64] }] };
    expect(sweepFactors(spec, ['train.batchSize', 'seed'])).toEqual([
      { name: 'train.batchSize', paths: ['train.batchSize'], kind: 'link' },
    ]);
    expect(sweepFactors(undefined, ['train.init', 'train.momentum', 'seed']).map((f) => f.name)).toEqual([
      'train.init',
      'train.momentum',
    ]);
  });
});

describe('the analysis of a sweep over its factors', () => {
  const factors = sweepFactors(MNIST_SPEC, MNIST_VARYING);

  it('analyses every run of the mnist.yaml shape: array, object and linked levels', () => {
    const analysis = analyseFactors(
      factors,
      mnistRuns(
        (params, seed) =>
          0.9 +
          (Array.isArray(params['model.hidden']) && params['model.hidden'].length > 1 ? 0.02 : 0) +
          (params['train.lr'] === 0.05 ? 0.01 : 0) +
          0.001 * seed,
      ),
    );
    expect(analysis).toMatchObject({
      runs: 32,
      replicates: 2,
      dropped: { cells: 0, levels: [], runs: 0 },
      reason: null,
    });
    const mains = analysis.effects.filter((effect) => effect.factors.length === 1);
    expect(mains.map((effect) => [effect.factors[0], effect.df]).sort()).toEqual([
      ['model.hidden', 1],
      ['train.init', 1],
      ['train.lr/train.batchSize', 1],
      ['train.optimizer.momentum', 1],
    ]);
    expect(analysis.effects[0].factors).toEqual(['model.hidden']);
    expect(analysis.residual.df).toBe(16);
  });

  it('names a dropped level by its values, a linked one by every path', () => {
    // lr 0.05 (batch 64) is missing from 6 of the 16 cells, more than any other level.
    const runs = mnistRuns(() => 0).filter(
      (run) =>
        !(
          run.params['train.lr'] === 0.05 &&
          (run.params['train.optimizer.momentum'] === 0.9 || run.params['train.init'] === 'he_normal')
        ),
    );
    const analysis = analyseFactors(
      factors,
      runs.map((run, i) => ({ ...run, value: i % 3 })),
    );
    expect(analysis.dropped.levels).toEqual([
      { factor: 'train.lr/train.batchSize', level: 'lr=0.05 batchSize=64' },
    ]);
    expect(analysis.dropped.cells).toBe(6);
    expect(analysis.runs).toBe(16);
    expect(analysis.reason).toBeNull();
  });
});

describe('balancing drops only levels that shape the gaps', () => {
  it('fills a diagonal of momentum and lr by dropping their levels, never a level of hidden or init', () => {
    const factors = sweepFactors(MNIST_SPEC, MNIST_VARYING);
    const diagonal = mnistRuns((_, seed) => seed).filter(
      (run) => (run.params['train.lr'] === 0.05) === (run.params['train.optimizer.momentum'] === 0.9),
    );
    const analysis = analyseFactors(factors, diagonal);
    expect(analysis.dropped).toMatchObject({
      cells: 8,
      levels: [
        { factor: 'train.optimizer.momentum', level: 'momentum=0' },
        { factor: 'train.lr/train.batchSize', level: 'lr=0.025 batchSize=32' },
      ],
    });
    expect(analysis.runs).toBe(8);
    expect(
      analysis.effects
        .filter((e) => e.factors.length === 1)
        .map((e) => e.factors[0])
        .sort(),
    ).toEqual(['model.hidden', 'train.init']);
  });
});

describe('why an analysis cannot run', () => {
  it('names the factors and the missing cells, never a validation set', () => {
    const runs = [
      { params: { 'model.hidden': [64], 'train.init': 'he_normal' }, value: 1 },
      { params: { 'model.hidden': [128, 64], 'train.init': { name: 'normal', std: 0.1 } }, value: 2 },
    ];
    const factors = sweepFactors({ grid: { 'model.hidden': [], 'train.init': [] } }, [
      'model.hidden',
      'train.init',
      'seed',
    ]);
    const { effects, reason } = analyseFactors(factors, runs);
    expect(effects).toEqual([]);
    expect(reason).toBe(
      'The grid of hidden × init is not full: 2 of its 4 cells have no run with a value, ' +
        '(hidden=[64], init=normal(std=0.1)), (hidden=[128,64], init=he_normal). Leaving out the ' +
        'levels missing from the most cells (hidden=[64], init=he_normal) to fill it left every ' +
        'factor with one level.',
    );
  });

  it('says when no run has a value, when nothing but the seed varies, and when every factor has one level', () => {
    const factors = sweepFactors(MNIST_SPEC, MNIST_VARYING);
    expect(analyseFactors(factors, []).reason).toBe('No run has a value to analyse.');
    expect(analyseFactors([], [{ params: { seed: 1 }, value: 1 }]).reason).toBe(
      'The sweep varies nothing but the seed: there is no param to compare.',
    );
    const one = mnistRuns(() => 1)
      .filter((run) => run.params['train.lr'] === 0.025 && run.params['train.init'] === 'he_normal')
      .filter(
        (run) => run.params['train.optimizer.momentum'] === 0 && run.params['model.hidden'].length === 1,
      );
    expect(analyseFactors(factors, one).reason).toBe(
      'Every factor has one level among the runs with a value (hidden only hidden=[64]; init only ' +
        'init=he_normal; momentum only momentum=0; lr/batchSize only lr=0.025 batchSize=32): there is ' +
        'nothing to compare.',
    );
  });
});
