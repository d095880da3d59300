// train.schedule: the lr of chosen epochs of each rule against a hand computation, the default, and
// the refusals (one line each, naming the file, line and key).
import { describe, expect, it } from 'vitest';
import { ConfigError, parseSweep } from '../src/config/index.ts';
import { lrAtEpoch, type ScheduleConfig } from '../src/config/schedule.ts';

const valid = `name: t
data:
  source: { kind: xor }
model:
  hidden: [4]
train:
  epochs: 6
  lr: 0.1
`;

function errorOf(yaml: string): string {
  try {
    parseSweep(yaml, 'bad.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error('expected a ConfigError');
}

/** The lr of epochs 1..epochs under a schedule written in YAML. */
function lrs(schedule: string, epochs = 6, lr = 0.1): number[] {
  const yaml = valid
    .replace('epochs: 6', `epochs: ${epochs}`)
    .replace('lr: 0.1', `lr: ${lr}\n  schedule: ${schedule}`);
  const { train } = parseSweep(yaml, 't.yaml').runs[0].config;
  return Array.from({ length: epochs }, (_, e) => lrAtEpoch(train, e + 1));
}

describe('train.schedule', () => {
  it('is constant by default, and a bare name takes the rule with its defaults', () => {
    const { train } = parseSweep(valid, 't.yaml').runs[0].config;
    expect(train.schedule).toEqual({ name: 'constant', warmupEpochs: 0 });
    expect(lrs('constant')).toEqual([0.1, 0.1, 0.1, 0.1, 0.1, 0.1]);
    expect(
      parseSweep(valid.replace('lr: 0.1', 'lr: 0.1\n  schedule: cosine'), 't.yaml').runs[0].config.train
        .schedule,
    ).toEqual({
      name: 'cosine',
      minLr: 0,
      warmupEpochs: 0,
    });
  });

  it('gives each rule its lr per epoch, by hand', () => {
    // step: every 2 epochs times 0.5: 0.1, 0.1, 0.05, 0.05, 0.025, 0.025.
    expect(lrs('{ name: step, every: 2, gamma: 0.5 }')).toEqual([0.1, 0.1, 0.05, 0.05, 0.025, 0.025]);
    // exponential: 0.1 * 0.5^(e-1), as train.lrDecay 0.5 trained.
    expect(lrs('{ name: exponential, gamma: 0.5 }')).toEqual([0.1, 0.05, 0.025, 0.0125, 0.00625, 0.003125]);
    // cosine over T = 4 epochs from 1 to 0.2: 0.2 + 0.8 (1 + cos(pi t / 4)) / 2, t = 0..3:
    // 1, 0.2 + 0.4 (1 + sqrt(2)/2) = 0.882843, 0.6, 0.2 + 0.4 (1 - sqrt(2)/2) = 0.317157.
    const cosine = lrs('{ name: cosine, minLr: 0.2 }', 4, 1);
    [1, 0.8828427, 0.6, 0.3171573].forEach((lr, i) => expect(cosine[i]).toBeCloseTo(lr, 6));
  });

  it('warms up linearly from 0 before the rule starts, the rule counting its epochs from there', () => {
    // 3 warmup epochs: 0.1 e / 4 for e = 1..3, then step from t = 0 at epoch 4.
    const warm = lrs('{ name: step, every: 2, gamma: 0.5, warmupEpochs: 3 }');
    [0.025, 0.05, 0.075, 0.1, 0.1, 0.05].forEach((lr, i) => expect(warm[i]).toBeCloseTo(lr, 12));
    // cosine after 2 warmup epochs of 6: T = 4 epochs from lr down towards minLr 0.
    const cosine = lrs('{ name: cosine, warmupEpochs: 2 }');
    [1 / 3, 2 / 3, 1, 0.8535534, 0.5, 0.1464466].forEach((lr, i) =>
      expect(cosine[i]).toBeCloseTo(lr * 0.1, 7),
    );
  });

  it('computes lr exactly as train.lrDecay did (lr * lrDecay ** (epoch - 1)), so migrated runs are the same runs', () => {
    const schedule: ScheduleConfig = { name: 'exponential', gamma: 0.9, warmupEpochs: 0 };
    for (let epoch = 1; epoch <= 20; epoch++)
      expect(lrAtEpoch({ lr: 0.3, epochs: 20, schedule }, epoch)).toBe(0.3 * 0.9 ** (epoch - 1));
  });

  it('refuses what a schedule cannot do, at the key', () => {
    const withSchedule = (s: string) => valid.replace('lr: 0.1', `lr: 0.1\n  schedule: ${s}`);
    expect(errorOf(withSchedule('{ name: cosine, minLr: 0.5 }'))).toBe(
      'bad.yaml:9:36: train.schedule.minLr: expected at most train.lr (0.1), found 0.5',
    );
    expect(errorOf(withSchedule('{ name: constant, warmupEpochs: 6 }'))).toBe(
      'bad.yaml:9:45: train.schedule.warmupEpochs: expected fewer warmup epochs than train.epochs (6), found 6',
    );
    expect(errorOf(withSchedule('{ name: step, every: 2, minLr: 0.01 }'))).toBe(
      'bad.yaml:9:37: train.schedule.minLr: unknown key: not a field of step',
    );
    expect(errorOf(withSchedule('{ name: step }'))).toBe(
      'bad.yaml:9:13: train.schedule.every: expected a number, missing',
    );
    expect(errorOf(withSchedule('cosin'))).toBe(
      'bad.yaml:9:13: train.schedule: expected one of constant, step, exponential, cosine, found "cosin"; did you mean cosine?',
    );
    expect(errorOf(withSchedule('{ name: exponential, gamma: 0 }'))).toMatch(
      /^bad\.yaml:9:41: train\.schedule\.gamma: expected a number > 0, found 0$/,
    );
    // In a grid, at the grid value, naming the run.
    expect(errorOf(`${valid}sweep:\n  grid:\n    train.schedule.warmupEpochs: [1, 6]\n`)).toMatch(
      /^bad\.yaml:11:38: sweep\.grid\.train\.schedule\.warmupEpochs\[1\]: expected fewer warmup epochs than train\.epochs \(6\), found 6/,
    );
  });

  it("answers an old file's train.lrDecay with the schedule that says the same, in one line", () => {
    expect(errorOf(valid.replace('lr: 0.1', 'lr: 0.1\n  lrDecay: 0.9'))).toBe(
      'bad.yaml:9:3: train.lrDecay: unknown key; did you mean train.schedule: { name: exponential, gamma: 0.9 }?',
    );
    expect(errorOf(`${valid}sweep:\n  grid:\n    train.lrDecay: [1, 0.8]\n`)).toBe(
      'bad.yaml:11:5: sweep.grid.train.lrDecay: not a path into the run config; did you mean train.schedule: [ constant, { name: exponential, gamma: 0.8 } ]?',
    );
  });
});
