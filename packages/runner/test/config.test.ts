import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ConfigError, formatPlan, loadSweep, parseSweep, planSweep } from '../src/config/index.ts';
import { hashConfig } from '../src/db/index.ts';

const experiments = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../experiments');

const base = `
name: t
data: { source: { kind: xor } }
model: { hidden: [4], activation: tanh }
train: { epochs: 2, batchSize: 4 }
`;

describe('grid expansion', () => {
  it('takes the product of grid axes and link groups, seeds outermost', () => {
    const plan = parseSweep(
      `${base}
sweep:
  grid:
    model.hidden: [[2], [3]]
  link:
    - { train.lr: [0.1, 0.2, 0.3], train.batchSize: [1, 2, 4] }
  seeds: [7, 11]
`,
      't.yaml',
    );
    expect(plan.varying).toEqual(['model.hidden', 'train.lr', 'train.batchSize', 'seed']);
    expect(plan.runs).toHaveLength(12);
    expect(plan.runs.map((run) => run.position)).toEqual([...Array(12).keys()]);
    expect(plan.runs[0].params).toEqual({
      'model.hidden': [2],
      'train.lr': 0.1,
      'train.batchSize': 1,
      seed: 7,
    });
    expect(plan.runs[4].params).toEqual({
      'model.hidden': [3],
      'train.lr': 0.2,
      'train.batchSize': 2,
      seed: 7,
    });
    expect(plan.runs[11].params).toEqual({
      'model.hidden': [3],
      'train.lr': 0.3,
      'train.batchSize': 4,
      seed: 11,
    });
    expect(plan.runs[11].label).toBe('hidden=[3] lr=0.3 batchSize=4 seed=11');
    expect(plan.runs[11].config.train).toMatchObject({
      lr: 0.3,
      batchSize: 4,
      epochs: 2,
      optimizer: { name: 'sgd' },
    });
    expect(plan.runs[11].config.seed).toBe(11);
  });

  it('drops the grid points an exclusion matches, by any path', () => {
    const plan = parseSweep(
      `${base}
sweep:
  grid:
    train.init: [he_normal, { name: normal, std: 0.1 }]
    train.lr: [0.1, 0.2]
  exclude:
    - { train.init: { name: normal, std: 0.1 }, train.lr: 0.2 }
    - { train.init: he_normal, model.activation: tanh, train.lr: 0.1 }
  seeds: 3
`,
      't.yaml',
    );
    expect(plan.runs).toHaveLength(6);
    expect(plan.runs.slice(0, 2).map((run) => run.label)).toEqual([
      'init=he_normal lr=0.2 seed=1',
      'init=normal(std=0.1) lr=0.1 seed=1',
    ]);
  });

  it('fills defaults and counts a sweep without a grid as one run per seed', () => {
    const plan = parseSweep(`${base}\nsweep: { seeds: 2 }\n`, 't.yaml');
    expect(plan.varying).toEqual(['seed']);
    expect(plan.runs.map((run) => run.label)).toEqual(['seed=1', 'seed=2']);
    expect(plan.config.train).toMatchObject({
      lr: 0.1,
      optimizer: { name: 'sgd' },
      init: 'he_normal',
      biasInit: 'zeros',
      divergenceLoss: 1e4,
    });
    expect(plan.config.data).toMatchObject({ scale: 'unit', target: { kind: 'one_hot' }, validation: 0 });
    expect(plan.config.model).toMatchObject({
      outputActivation: 'softmax',
      loss: 'cross_entropy',
      leakySlope: 0.01,
    });
  });
});

describe('a sweep config as an object (planSweep)', () => {
  const yaml = `${base}sweep: { grid: { train.lr: [0.1, 0.2] }, seeds: 2 }\n`;

  it('plans the runs the same YAML does, from no file, leaving the object as it was', () => {
    const config = parse(yaml) as Record<string, unknown>;
    const before = structuredClone(config);
    const plan = planSweep(config, { overrides: ['train.epochs=3'], maxRuns: 3 });
    const fromFile = parseSweep(yaml, 't.yaml', { overrides: ['train.epochs=3'], maxRuns: 3 });
    expect(config).toEqual(before);
    expect(plan.path).toBeNull();
    expect(plan.total).toBe(4);
    expect(plan.configHash).toBe(fromFile.configHash);
    expect(plan.runs.map(({ id, label, position }) => ({ id, label, position }))).toEqual(
      fromFile.runs.map(({ id, label, position }) => ({ id, label, position })),
    );
    expect(plan.runs[0].config.train.epochs).toBe(3);
    // What the store records of it: the object as YAML, the overrides after it.
    expect(parse(plan.yaml)).toEqual(before);
    expect(plan.yaml).toContain('#   train.epochs=3');
  });

  it('reports a mistake in one line by key path, or by the argument that made it', () => {
    const config = parse(yaml) as Record<string, Record<string, unknown>>;
    const failure = (make: () => unknown) => {
      try {
        make();
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as Error).message;
      }
      throw new Error('planned without complaint');
    };
    expect(failure(() => planSweep({ ...config, train: { ...config.train, lrr: 1 } }))).toBe(
      'sweep config: train.lrr: unknown key; did you mean lr?',
    );
    expect(failure(() => planSweep({ ...config, sweep: { grid: { 'train.lr': [0.1, -1] } } }))).toBe(
      'sweep config: sweep.grid.train.lr[1]: expected a number > 0, found -1 (in the run with train.lr=-1)',
    );
    expect(failure(() => planSweep(config, { overrides: ['train.epochs=two'] }))).toMatch(
      /^argument train\.epochs=two: train\.epochs: /,
    );
    expect(failure(() => planSweep('name: t', { overrides: ['train.epochs=2'] }))).toBe(
      'sweep config: expected a map of keys to override, found "name: t"',
    );
  });
});

describe('the optimizer', () => {
  it('holds only the fields of its rule, defaults filled, whether written as a name or an object', () => {
    const plan = parseSweep(
      `${base}
sweep:
  grid:
    train.optimizer: [sgd, momentum, { name: adam, beta1: 0.8 }, { name: rmsprop, eps: 0.001 }]
`,
      't.yaml',
    );
    expect(plan.runs.map((run) => run.config.train.optimizer)).toEqual([
      { name: 'sgd' },
      { name: 'momentum', momentum: 0.9, momentumForm: 'heavy_ball' },
      { name: 'adam', beta1: 0.8, beta2: 0.999, eps: 1e-8 },
      { name: 'rmsprop', rho: 0.9, eps: 0.001 },
    ]);
    expect(plan.varying).toEqual(['train.optimizer', 'seed']);
  });

  it("varies one field of the base rule, and names the run by that field's last key", () => {
    const plan = parseSweep(
      `${base.replace('batchSize: 4 }', 'batchSize: 4, optimizer: { name: nesterov, momentumForm: ema } }')}
sweep:
  grid:
    train.optimizer.momentum: [0.5, 0.9]
`,
      't.yaml',
    );
    expect(plan.runs.map((run) => run.label)).toEqual(['momentum=0.5 seed=1', 'momentum=0.9 seed=1']);
    expect(plan.runs[1].config.train.optimizer).toEqual({
      name: 'nesterov',
      momentum: 0.9,
      momentumForm: 'ema',
    });
  });
});

describe('hashes', () => {
  it('ignores key order, tells values apart, and leaves the seed out of the group id', () => {
    expect(hashConfig({ a: 1, b: { c: [1, 2], d: 'x' } })).toBe(
      hashConfig({ b: { d: 'x', c: [1, 2] }, a: 1 }),
    );
    expect(hashConfig({ a: 1 })).not.toBe(hashConfig({ a: 2 }));
    expect(hashConfig({ c: [1, 2] })).not.toBe(hashConfig({ c: [2, 1] }));
    expect(hashConfig({ a: 1 })).toMatch(/^[0-9a-f]{16}$/);

    const reordered = parseSweep(
      `name: t\ntrain: { batchSize: 4, epochs: 2 }\nmodel: { activation: tanh, hidden: [4] }\ndata: { source: { kind: xor } }\nsweep: { seeds: 2 }\n`,
      'u.yaml',
    );
    const plan = parseSweep(`${base}\nsweep: { seeds: 2 }\n`, 't.yaml');
    expect(reordered.runs.map((run) => run.id)).toEqual(plan.runs.map((run) => run.id));
    expect(reordered.configHash).toBe(plan.configHash);
    const [first, second] = plan.runs;
    expect(first.id).not.toBe(second.id);
    expect(first.groupId).toBe(second.groupId);
    expect(first.id).toBe(hashConfig(first.config));
    const { seed: _seed, ...withoutSeed } = first.config;
    expect(first.groupId).toBe(hashConfig(withoutSeed));
  });
});

describe('experiments/', () => {
  it.each([
    ['smoke.yaml', 8, ['train.init', 'train.optimizer.momentum', 'seed']],
    [
      'mnist.yaml',
      32,
      ['model.hidden', 'train.init', 'train.optimizer.momentum', 'train.lr', 'train.batchSize', 'seed'],
    ],
    ['init-momentum.yaml', 36, ['train.init', 'train.optimizer.momentum', 'seed']],
    ['lesson-98.yaml', 12, ['train.init', 'train.optimizer.momentum', 'seed']],
    ['init-momentum-lr.yaml', 72, ['train.init', 'train.optimizer.momentum', 'train.lr', 'seed']],
  ])('%s plans %i runs', (file, runs, varying) => {
    const plan = loadSweep(path.join(experiments, file));
    expect(plan.runs).toHaveLength(runs);
    expect(plan.varying).toEqual(varying);
    expect(new Set(plan.runs.map((run) => run.id)).size).toBe(runs);
  });

  it('formats a plan with its estimates, and says which runs have none', () => {
    const plan = loadSweep(path.join(experiments, 'smoke.yaml'));
    const text = formatPlan(
      plan,
      plan.runs.map(() => 30),
    );
    expect(text).toContain('smoke: 8 runs (4 grid points x 2 seeds)');
    expect(text).toMatch(/^7 +glorot_uniform +0\.9 +2 +30s$/m);
    expect(text).toContain('4m 00s in total: 1 worker ~4m 00s, 2 workers ~2m 00s, 4 workers ~1m 00s');
    const partly = formatPlan(
      plan,
      plan.runs.map((_, i) => (i < 4 ? 30 : null)),
    );
    expect(partly).toMatch(/^7 +glorot_uniform +0\.9 +2 +\?$/m);
    expect(partly).toContain('2m 00s for the 4 runs with an estimate');
    expect(partly).toContain('4 runs have none (?)');
  });
});
