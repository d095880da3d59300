// Sampled axes (sweep.sample) and command-line overrides (path=value), planned from YAML text.
import { describe, expect, it } from 'vitest';
import { ConfigError, parseSweep } from '../src/config/index.ts';

const base = `name: t
data: { source: { kind: xor } }
model: { hidden: [2] }
train: { epochs: 2, batchSize: 4, schedule: { name: exponential, gamma: 0.9 } }
sweep:
  grid:
    train.init: [he_normal, glorot_uniform]
  sample:
    count: 3
    seed: 7
    params:
      train.lr: { logUniform: [0.001, 1] }
      model.hidden: { choice: [[2], [4], [8, 8]] }
      train.epochs: { intUniform: [1, 3] }
      train.schedule.gamma: { uniform: [0.5, 1] }
  seeds: 2
`;

function errorOf(yaml: string, overrides: string[] = []): string {
  try {
    parseSweep(yaml, 'bad.yaml', { overrides });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('sweep.sample', () => {
  it('draws the same pinned points from the same seed: grid x samples x seeds', () => {
    const plan = parseSweep(base, 't.yaml');
    expect([plan.runs.length, plan.total]).toEqual([12, 12]);
    const points = plan.runs
      .slice(0, 3)
      .map(({ config }) => [
        config.train.lr,
        config.model.hidden,
        config.train.epochs,
        config.train.schedule,
      ]);
    // Pinned: these values are what seed 7 draws, on any machine, forever.
    expect(points).toEqual([
      [0.00215488, [4], 3, { name: 'exponential', gamma: 0.551659, warmupEpochs: 0 }],
      [0.244606, [4], 2, { name: 'exponential', gamma: 0.637908, warmupEpochs: 0 }],
      [0.00364085, [4], 1, { name: 'exponential', gamma: 0.779738, warmupEpochs: 0 }],
    ]);
    // A path whose draws all agree does not vary, and labels do not show it.
    expect(plan.varying).toEqual(['train.init', 'train.lr', 'train.epochs', 'train.schedule.gamma', 'seed']);
    // The samples are innermost, and each grid point runs every sample with every seed.
    expect(plan.runs.slice(3, 6).map((run) => run.params['train.lr'])).toEqual(points.map(([lr]) => lr));
    expect(plan.runs[0].params['train.init']).toBe('he_normal');
    expect(plan.runs[3].params['train.init']).toBe('glorot_uniform');
    expect(plan.runs[6].seed).toBe(2);
    // A sampled point is a group, like a grid point.
    expect(new Set(plan.runs.map((run) => run.groupId)).size).toBe(6);
    expect(parseSweep(base.replace('seed: 7', 'seed: 8'), 't.yaml').runs[0].params['train.lr']).not.toBe(
      points[0][0],
    );
  });

  it('refuses bad ranges in one line naming the key', () => {
    const lr = (d: string) => errorOf(base.replace('{ logUniform: [0.001, 1] }', d));
    expect(lr('{ logUniform: [0, 1] }')).toBe(
      'bad.yaml:12:31: sweep.sample.params.train.lr.logUniform: expected a > 0 (the logarithm of the range is sampled), found [0,1]',
    );
    expect(lr('{ uniform: [2, 1] }')).toBe(
      'bad.yaml:12:28: sweep.sample.params.train.lr.uniform: expected [a, b] with a <= b, found [2,1]',
    );
    expect(lr('{ choice: [] }')).toBe(
      'bad.yaml:12:27: sweep.sample.params.train.lr.choice: expected a non-empty list of values, found []',
    );
    expect(lr('{ intUniform: [1.5, 3] }')).toMatch(/train\.lr\.intUniform: expected \[a, b\], two integers/);
    expect(lr('{ normal: [0, 1] }')).toMatch(/train\.lr\.normal: expected \{logUniform: \[a, b\]\}/);
    expect(errorOf(base.replace('train.lr: {', 'train.momentum: {'))).toMatch(
      /sweep\.sample\.params\.train\.momentum: not a path into the run config; did you mean train\.optimizer\.momentum\?/,
    );
    expect(
      errorOf(
        base
          .replace('count: 3', 'count: 4')
          .replace(/ {6}train\.lr.*\n|.*model\.hidden.*\n|.*schedule\.gamma.*\n/g, ''),
      ),
    ).toMatch(/sweep\.sample\.count: expected at most 3 points/);
  });
});

describe('overrides', () => {
  it('change the base config, validated at their path, and are recorded with the sweep', () => {
    const plan = parseSweep(base, 't.yaml', {
      overrides: ['train.batchSize=2', 'sweep.seeds=[5]', 'model.activation=tanh'],
    });
    expect(plan.runs.every((run) => run.config.train.batchSize === 2 && run.seed === 5)).toBe(true);
    expect(plan.runs[0].config.model.activation).toBe('tanh');
    expect(plan.config.train.batchSize).toBe(2);
    expect(plan.yaml).toContain('# command-line overrides:\n#   train.batchSize=2\n');
    expect(plan.configHash).not.toBe(parseSweep(base, 't.yaml').configHash);
    // A grid key is one key, dots and all.
    const grid = parseSweep(base, 't.yaml', { overrides: ['sweep.grid.train.init=[lecun_normal]'] });
    expect(grid.runs.map((run) => run.config.train.init)).toContain('lecun_normal');
    expect(grid.runs.length).toBe(6);
  });

  it('name the argument when what they say is wrong', () => {
    expect(errorOf(base, ['train.lr=abc'])).toBe(
      'argument train.lr=abc: train.lr: expected a number, found "abc"',
    );
    expect(errorOf(base, ['trian.lr=1'])).toBe(
      'argument trian.lr=1: trian: unknown key; did you mean train?',
    );
    expect(errorOf(base, ['model.hidden=[0]'])).toMatch(
      /^argument model\.hidden=\[0\]: model\.hidden\[0\]: /,
    );
    expect(errorOf(base, ['train.lr=[1,'])).toMatch(/^argument train\.lr=\[1,: YAML syntax: /);
    expect(errorOf(base, ['=1'])).toBe('argument =1: expected path=value, e.g. train.lr=0.1');
  });
});
