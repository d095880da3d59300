import { describe, expect, it } from 'vitest';
import { configDiff, differingKeys, flatten, legendLabels, sameValue } from './diff.js';

describe('legend labels name only what differs', () => {
  it('drops params shared by every run shown', () => {
    const params = [
      { 'train.init': 'he_normal', 'train.momentum': 0.9, seed: 1 },
      { 'train.init': 'glorot_uniform', 'train.momentum': 0.9, seed: 1 },
    ];
    expect(differingKeys(params)).toEqual(['train.init']);
    expect(legendLabels(params)).toEqual(['init=he_normal', 'init=glorot_uniform']);
  });

  it('lists several differing params in order and keeps full paths when short names collide', () => {
    const params = [
      { 'train.init': 'he_normal', 'train.momentum': 0, seed: 1 },
      { 'train.init': 'he_normal', 'train.momentum': 0.9, seed: 2 },
    ];
    expect(legendLabels(params)).toEqual(['momentum=0 seed=1', 'momentum=0.9 seed=2']);
    expect(
      legendLabels([
        { 'train.init': 'a', 'model.init': 1 },
        { 'train.init': 'b', 'model.init': 2 },
      ]),
    ).toEqual(['train.init=a model.init=1', 'train.init=b model.init=2']);
  });

  it('compares arrays by value and falls back to given labels when nothing differs', () => {
    expect(legendLabels([{ 'model.hidden': [64, 32] }, { 'model.hidden': [64] }])).toEqual([
      'hidden=[64,32]',
      'hidden=[64]',
    ]);
    expect(legendLabels([{ seed: 1 }, { seed: 1 }], ['run a', 'run b'])).toEqual(['run a', 'run b']);
  });
});

describe('config diff', () => {
  const a = {
    model: { hidden: [64], activation: 'relu' },
    train: { lr: 0.1, init: { name: 'he_normal' } },
    seed: 1,
  };

  it('is empty for equal configs, whatever the key order', () => {
    expect(
      configDiff(a, {
        seed: 1,
        train: { init: { name: 'he_normal' }, lr: 0.1 },
        model: { activation: 'relu', hidden: [64] },
      }),
    ).toEqual([]);
  });

  it('lists only differing leaf paths, with both values, missing ones as undefined', () => {
    const b = {
      model: { hidden: [64, 32], activation: 'relu' },
      train: { lr: 0.1, init: { name: 'glorot_uniform' }, momentum: 0.9 },
      seed: 1,
    };
    expect(configDiff(a, b)).toEqual([
      { path: 'model.hidden', a: [64], b: [64, 32] },
      { path: 'train.init', a: { name: 'he_normal' }, b: { name: 'glorot_uniform' } },
      { path: 'train.momentum', a: undefined, b: 0.9 },
    ]);
  });

  it('diffs a named value against a string as one path, not as its fields', () => {
    const diff = configDiff(
      { train: { init: 'lecun_normal' } },
      { train: { init: { name: 'normal', std: 1 } } },
    );
    expect(diff).toEqual([{ path: 'train.init', a: 'lecun_normal', b: { name: 'normal', std: 1 } }]);
  });

  it('flattens nested objects to dotted paths, arrays and named values as leaves', () => {
    expect(flatten(a)).toEqual({
      'model.hidden': [64],
      'model.activation': 'relu',
      'train.lr': 0.1,
      'train.init': { name: 'he_normal' },
      seed: 1,
    });
  });
});

describe('sameValue', () => {
  it('takes two objects that differ only in key order for one setting', () => {
    expect(sameValue({ name: 'normal', std: 0.1 }, { std: 0.1, name: 'normal' })).toBe(true);
    expect(sameValue([128, 64], [128, 64])).toBe(true);
    expect(sameValue({ name: 'normal', std: 0.1 }, { name: 'normal', std: 0.2 })).toBe(false);
  });
});
