// checkModelSpec: invalid configs and pairings are rejected with a one-line message naming the key.
import { describe, expect, it } from 'vitest';
import { checkModelSpec, type ModelSpec } from '../src/index.ts';
import { LESSON_MLP } from './data.ts';

const valid = LESSON_MLP;

describe('checkModelSpec', () => {
  it('accepts the lessons’ configurations', () => {
    expect(() => checkModelSpec(valid)).not.toThrow();
    expect(() =>
      checkModelSpec({ ...valid, hidden: [], output: 1, outputActivation: 'sigmoid', loss: 'bce' }),
    ).not.toThrow();
    expect(() =>
      checkModelSpec({
        ...valid,
        input: 2,
        hidden: [2],
        activation: ['sigmoid'],
        output: 1,
        outputActivation: 'sigmoid',
        loss: 'mse',
        init: { name: 'normal', std: 1 },
      }),
    ).not.toThrow();
    expect(() => checkModelSpec({ ...valid, outputActivation: 'softmax', loss: 'mse' })).not.toThrow();
  });

  const rejected: [string, Partial<ModelSpec> | Record<string, unknown>, RegExp][] = [
    ['hidden size 0', { hidden: [128, 0] }, /^model\.hidden\[1\]: expected a positive integer$/],
    ['fractional input', { input: 2.5 }, /^model\.input: expected a positive integer/],
    ['hidden not an array', { hidden: 64 }, /^model\.hidden: expected an array/],
    ['unknown activation', { activation: 'gelu' }, /^model\.activation: expected one of sigmoid, tanh/],
    [
      'activation list of the wrong length',
      { activation: ['relu'] },
      /^model\.activation: expected one name per hidden layer \(2\)/,
    ],
    ['unknown loss', { loss: 'hinge' }, /^model\.loss: expected one of mse, mae, bce, cross_entropy/],
    ['bce on softmax', { loss: 'bce' }, /^model\.loss: 'bce' needs output 1 with outputActivation 'sigmoid'/],
    [
      'bce on 10 sigmoid units',
      { loss: 'bce', outputActivation: 'sigmoid' },
      /^model\.loss: 'bce' needs output 1/,
    ],
    [
      'cross_entropy on sigmoid',
      { output: 1, outputActivation: 'sigmoid' },
      /^model\.loss: 'cross_entropy' needs outputActivation 'softmax'/,
    ],
    [
      'softmax on one unit',
      { output: 1, loss: 'mse' },
      /^model\.output: outputActivation 'softmax' needs at least 2 units/,
    ],
    ['unknown init', { init: 'xavier' }, /^model\.init: expected one of zeros, glorot_normal/],
    [
      'normal init without std',
      { init: { name: 'normal' } },
      /^model\.init: expected one of zeros, .* \{name: normal, std\}/,
    ],
    ['negative uniform scale', { biasInit: { name: 'uniform', scale: -1 } }, /^model\.biasInit\.scale/],
    ['non-numeric leakySlope', { leakySlope: 'x' }, /^model\.leakySlope: expected a finite number/],
  ];
  for (const [what, patch, message] of rejected) {
    it(`rejects ${what}`, () => {
      expect(() => checkModelSpec({ ...valid, ...patch } as ModelSpec)).toThrow(message);
    });
  }
});
