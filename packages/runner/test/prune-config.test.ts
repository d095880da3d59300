// sweep.prune as written: each rule with its own fields and defaults, and every refusal in one line
// at the file, line and key, before anything is written.
import { describe, expect, it } from 'vitest';
import { ConfigError, parseSweep } from '../src/config/index.ts';
import { rungsOf } from '../src/config/prune-rule.ts';

// Lines: 1 name, 2 data, 3 source, 4 validation, 5 model, 6 hidden, 7 train, 8 epochs, 9 sweep,
// 10 grid, 11 the grid's key, 12 seeds, 13 prune, 14.. the rule's fields.
const sweep = (prune: string, { validation = '  validation: 0.25\n', grid = '[0.1, 0.2]' } = {}) => `name: t
data:
  source: { kind: xor }
${validation}model:
  hidden: [4]
train:
  epochs: 10
sweep:
  grid:
    train.lr: ${grid}
  seeds: 2
  prune:
${prune}`;

function errorOf(yaml: string): string {
  try {
    parseSweep(yaml, 'bad.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).not.toContain('\n');
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('sweep.prune', () => {
  it('fills each rule with its own defaults, and says where each decides', () => {
    const median = parseSweep(sweep('    name: median\n    metric: val_loss\n'), 'ok.yaml').config.sweep
      .prune;
    expect(median).toEqual({ name: 'median', metric: 'val_loss', minGroups: 5 });
    expect(rungsOf(median!, 4)).toEqual([1, 2, 3]);
    const halving = parseSweep(sweep('    name: halving\n    metric: val_acc\n    minEpochs: 1\n'), 'ok.yaml')
      .config.sweep.prune;
    expect(halving).toEqual({ name: 'halving', metric: 'val_acc', minEpochs: 1, eta: 3 });
    // 1, 3, 9 below 10; 27 past it.
    expect(rungsOf(halving!, 10)).toEqual([1, 3, 9]);
    expect(rungsOf({ name: 'halving', metric: 'val_acc', minEpochs: 2, eta: 2 }, 20)).toEqual([2, 4, 8, 16]);
  });

  it('refuses a rung at or past the last epoch', () => {
    expect(errorOf(sweep('    name: median\n    metric: val_loss\n    rungs: [2, 10]\n'))).toBe(
      'bad.yaml:16:16: sweep.prune.rungs[1]: expected an epoch before the last (train.epochs is 10), found 10',
    );
    expect(errorOf(sweep('    name: halving\n    metric: val_loss\n    minEpochs: 12\n'))).toBe(
      'bad.yaml:16:16: sweep.prune.minEpochs: expected an epoch before the last (train.epochs is 10), found 12',
    );
  });

  it('refuses rungs out of order', () => {
    expect(errorOf(sweep('    name: median\n    metric: val_loss\n    rungs: [4, 2]\n'))).toBe(
      'bad.yaml:16:16: sweep.prune.rungs[1]: expected rungs in increasing order, found 2',
    );
  });

  it('refuses eta below 2', () => {
    expect(errorOf(sweep('    name: halving\n    metric: val_loss\n    minEpochs: 1\n    eta: 1\n'))).toBe(
      'bad.yaml:17:10: sweep.prune.eta: expected a number >= 2, found 1',
    );
  });

  it('refuses a val metric without a validation set, and a metric no run records', () => {
    expect(errorOf(sweep('    name: median\n    metric: val_acc\n', { validation: '' }))).toBe(
      'bad.yaml:14:13: sweep.prune.metric: expected a validation set (data.validation) to prune on val_acc, found none',
    );
    expect(errorOf(sweep('    name: median\n    metric: test_acc\n'))).toMatch(
      /^bad\.yaml:15:13: sweep\.prune\.metric: expected one of val_loss, val_acc, train_loss, train_acc, found "test_acc"/,
    );
  });

  it('refuses a field of one rule given to another, and an unknown rule', () => {
    expect(errorOf(sweep('    name: median\n    metric: val_loss\n    eta: 2\n'))).toBe(
      'bad.yaml:16:5: sweep.prune.eta: unknown key: not a field of median',
    );
    expect(
      errorOf(sweep('    name: halving\n    metric: val_loss\n    minEpochs: 1\n    rungs: [2]\n')),
    ).toBe('bad.yaml:17:5: sweep.prune.rungs: unknown key: not a field of halving');
    expect(errorOf(sweep('    name: hyperband\n    metric: val_loss\n'))).toMatch(
      /^bad\.yaml:14:11: sweep\.prune\.name: expected one of median, halving, found "hyperband"/,
    );
  });

  it('refuses pruning a sweep of one group', () => {
    expect(errorOf(sweep('    name: median\n    metric: val_loss\n', { grid: '[0.1]' }))).toBe(
      'bad.yaml:13:3: sweep.prune: expected a sweep of more than one group to prune, found one grid point',
    );
  });
});
