// The stall rule and the diagnosis' causes, on the values the results store holds.
import { describe, expect, it } from 'vitest';
import { DEAD_RELU_FRACTION, diagnose, SMALL_UPDATE_RATIO, STALL, stallOf } from './diagnosis.js';

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

  it('diagnoses a stalled run as it does a finished one whose loss was flat (before version 7)', () => {
    expect(run({ status: 'stalled' })).toEqual(run({}));
  });

  it('reads dead_fraction and update_ratio where measured, with their thresholds', () => {
    const measured = (dead: number | null, ratios: [number, number]) =>
      layers([1e-3, 1e-2]).map((layer, i) => ({
        ...layer,
        dead_fraction: i === 0 ? dead : null,
        update_ratio: ratios[i],
      }));
    const healthy: [number, number] = [1e-3, 1e-3];
    expect(run({ status: 'stalled', layers: measured(DEAD_RELU_FRACTION, healthy) })).toMatchObject({
      cause: 'dead ReLU',
      statistic: { name: 'dead_fraction', values: { 'dense0 (relu)': DEAD_RELU_FRACTION } },
    });
    expect(run({ status: 'stalled', layers: measured(DEAD_RELU_FRACTION, healthy) })!.sentence).toMatch(
      /Dead ReLUs: 50% of dense0 \(relu\)'s units output 0 for every example/,
    );
    // A live layer whose activation std happens to be 0 is not called dead once dead_fraction says so.
    const small = SMALL_UPDATE_RATIO / 2;
    expect(
      run({ status: 'stalled', layers: measured(0, [small, small]).map((l) => ({ ...l, act_std: 0 })) }),
    ).toMatchObject({
      cause: 'too small a step',
      statistic: { name: 'update_ratio', values: { 'dense0 (relu)': small, 'dense1 (softmax)': small } },
    });
    expect(run({ status: 'stalled', layers: measured(0, [small, 1e-3]) })).toMatchObject({
      cause: 'plateau',
    });
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
