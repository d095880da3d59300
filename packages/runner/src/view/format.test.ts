import { describe, expect, it } from 'vitest';
import { formatParam, formatValue, shortNames } from './format.js';

describe('param values read as the runner labels them', () => {
  it('strings and numbers as they are, arrays compact, named objects as name(fields)', () => {
    expect(formatValue('lecun_normal')).toBe('lecun_normal');
    expect(formatValue(0.9)).toBe('0.9');
    expect(formatValue(true)).toBe('true');
    expect(formatValue(null)).toBe('null');
    expect(formatValue([128, 64])).toBe('[128,64]');
    expect(formatValue({ name: 'normal', std: 1 })).toBe('normal(std=1)');
    expect(formatValue({ kind: 'mnist' })).toBe('mnist');
    expect(formatValue({ name: 'step', every: 3, gamma: 0.5 })).toBe('step(every=3,gamma=0.5)');
  });

  it('objects without a name in braces, nested values formatted the same way', () => {
    expect(formatValue({ first: 600 })).toBe('{first=600}');
    expect(formatValue([{ name: 'normal', std: 0.1 }, [8, 8]])).toBe('[normal(std=0.1),[8,8]]');
    expect(formatParam('train.init', { name: 'normal', std: 0.1 })).toBe('train.init=normal(std=0.1)');
  });

  it('names a path by its last segment unless two would collide', () => {
    expect(shortNames(['train.lr', 'model.hidden', 'seed'])).toEqual(['lr', 'hidden', 'seed']);
    expect(shortNames(['train.init', 'model.init', 'train.lr'])).toEqual(['train.init', 'model.init', 'lr']);
  });
});
