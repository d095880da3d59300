// The stall rule and the diagnosis' causes, on the values the results store holds.
import { describe, expect, it } from 'vitest';
import { diagnose, STALL, stallOf } from './diagnosis.js';

const flat = [2.3, 2.3, 2.3, 2.3, 2.3, 2.3];
const layers = (grad: number[], act: number[] = grad.map(() => 0.5)) =>
  grad.map((g, i) => ({
    name: i === 0 ? 'dense0 (relu)' : `dense${i} (softmax)`,
    grad_std: g,
    act_mean: 0.1,
    act_std: act[i],
  }));
const run = (over: Partial<Parameters<typeof diagnose>[0]>) =>
  diagnose({
    status: 'finished',
    trainLoss: flat,
    layers: layers([1e-9, 1e-9]),
    outputActivation: 'softmax',
    classes: 10,
    lr: 0.1,
    ...over,
  });

describe('stallOf', () => {
  it(`needs ${STALL.epochs + 1} epochs and a move within ${STALL.tolerance}`, () => {
    expect(stallOf(flat.slice(1))).toBeNull();
    expect(stallOf(flat)).toMatchObject({ from: 1, to: 6, moved: 0 });
    expect(stallOf([2.3, 2.3, 2.3, 2.3, 2.3, 2.3 * (1 - 2e-3)])).toBeNull();
    expect(stallOf([9, 2.3, 2.3, 2.3, 2.3, 2.3, 2.3 * (1 - 5e-4)])).toMatchObject({ from: 2, to: 7 });
    expect(stallOf([2.3, 2.3, 2.2], { epochs: 2, tolerance: 0.05 })).toMatchObject({ from: 1, to: 3 });
    expect(stallOf([2.3, null, 2.3, 2.3, 2.3, 2.3])).toBeNull();
  });
});

describe('diagnose', () => {
  it('says nothing of a run that learns, or one that did not finish', () => {
    expect(run({ trainLoss: [2.3, 1.5, 1, 0.8, 0.7, 0.6] })).toBeNull();
    expect(run({ status: 'diverged' })).toBeNull();
  });

  it('names vanishing gradients everywhere, dead ReLUs, vanishing early layers, too small a step', () => {
    expect(run({})).toMatchObject({ cause: 'vanishing gradients', statistic: { name: 'grad_std' } });
    expect(run({})!.sentence).toMatch(/every layer .* near-uniform output\.$/);
    expect(run({ layers: layers([1e-3, 1e-3], [0, 0.2]) })).toMatchObject({
      cause: 'dead ReLU',
      statistic: { name: 'act_std', values: { 'dense0 (relu)': 0 } },
    });
    expect(run({ layers: layers([1e-9, 1e-3]) })!.sentence).toMatch(
      /^Stalled: .* Vanishing gradients in dense0 \(relu\) /,
    );
    expect(run({ layers: layers([1e-3, 1e-2]), lr: 1e-9 })).toMatchObject({ cause: 'too small a step' });
    expect(run({ layers: layers([1e-3, 1e-2]), lr: 1e-9 })!.sentence).toMatch(
      /learning rate \(1e-9\) is too small/,
    );
  });

  it('compares the first loss with a uniform guess only for a softmax output', () => {
    expect(run({ outputActivation: 'sigmoid' })!.sentence).not.toMatch(/uniform/);
    expect(run({ trainLoss: [9, 9, 9, 9, 9, 9] })!.sentence).toMatch(/ln 10 = 2\.303\.$/);
  });
});
