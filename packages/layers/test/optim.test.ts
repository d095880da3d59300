// Optimizer updates against values computed by hand (the arithmetic is in the comments), weight
// decay, lazy state and checkpoints, and spec checking.
import { Tensor } from '@ablate/tensor';
import { describe, expect, it } from 'vitest';
import { createOptimizer, type OptimizerSpec, type Param } from '../src/index.ts';

function param(name: string, value: number[], decay = true): Param {
  return { name, value: Tensor.from(value, [value.length]), grad: Tensor.zeros([value.length]), decay };
}

/** Runs one step per gradient in the list on a one-element parameter starting at w0; returns w after each. */
function trajectory(spec: OptimizerSpec, grads: number[], w0 = 1): number[] {
  const p = param('w', [w0]);
  const opt = createOptimizer([p], spec);
  return grads.map((g) => {
    opt.zeroGrad();
    p.grad.data[0] = g;
    opt.step();
    return p.value.data[0];
  });
}

describe('optimizer updates, by hand', () => {
  it('sgd: w -= lr g', () => {
    // 1 - 0.1 * 0.5 = 0.95; 0.95 - 0.1 * 0.5 = 0.9; 0.9 - 0.1 * (-1) = 1.0
    expect(trajectory({ name: 'sgd', lr: 0.1 }, [0.5, 0.5, -1])).toEqual([0.95, 0.9, 1].map(Math.fround));
  });

  it('momentum, heavy ball: v = 0.9 v + g', () => {
    // v = 0.5, 0.95, 1.355; w = 1 - 0.05 = 0.95, 0.95 - 0.095 = 0.855, 0.855 - 0.1355 = 0.7195
    const w = trajectory({ name: 'momentum', lr: 0.1, momentum: 0.9 }, [0.5, 0.5, 0.5]);
    [0.95, 0.855, 0.7195].forEach((e, i) => expect(w[i]).toBeCloseTo(e, 6));
  });

  it('momentum, ema (lesson 001): v = 0.9 v + 0.1 g', () => {
    // v = 0.05, 0.095, 0.1355; w = 0.995, 0.9855, 0.97195
    const w = trajectory({ name: 'momentum', lr: 0.1, momentum: 0.9, momentumForm: 'ema' }, [0.5, 0.5, 0.5]);
    [0.995, 0.9855, 0.97195].forEach((e, i) => expect(w[i]).toBeCloseTo(e, 6));
  });

  it('nesterov: w -= lr (g + mu v)', () => {
    // v = 0.5: w = 1 - 0.1 (0.5 + 0.45) = 0.905;  v = 0.95: w = 0.905 - 0.1 (0.5 + 0.855) = 0.7695
    const w = trajectory({ name: 'nesterov', lr: 0.1 }, [0.5, 0.5]);
    [0.905, 0.7695].forEach((e, i) => expect(w[i]).toBeCloseTo(e, 6));
  });

  it('adam: bias-corrected first step is lr sign(g); second from the averages', () => {
    // t=1: m = 0.05, v = 0.00025, m^ = 0.5, v^ = 0.25 -> w = 1 - 0.1 * 0.5 / 0.5 = 0.9
    // t=2 (g=-1): m = -0.055, v = 0.00124975, m^ = -0.055/0.19, v^ = 0.00124975/0.001999 -> 0.93661035
    const w = trajectory({ name: 'adam', lr: 0.1 }, [0.5, -1]);
    expect(w[0]).toBeCloseTo(0.9, 6);
    expect(w[1]).toBeCloseTo(0.9366103522, 6);
  });

  it('rmsprop: s = 0.9 s + 0.1 g^2', () => {
    // s = 0.025: w = 1 - 0.01 * 0.5 / sqrt(0.025) = 0.96837722;  s = 0.0475: w = 0.94543565
    const w = trajectory({ name: 'rmsprop', lr: 0.01 }, [0.5, 0.5]);
    [0.9683772234, 0.94543565].forEach((e, i) => expect(w[i]).toBeCloseTo(e, 6));
  });

  it('adagrad: s += g^2', () => {
    // s = 0.25: w = 1 - 0.1 * 0.5 / 0.5 = 0.9;  s = 0.5: w = 0.9 - 0.05 / sqrt(0.5) = 0.82928932
    const w = trajectory({ name: 'adagrad', lr: 0.1 }, [0.5, 0.5]);
    [0.9, 0.8292893219].forEach((e, i) => expect(w[i]).toBeCloseTo(e, 6));
  });

  it('weight decay adds wd w to the gradient of weights, not of biases', () => {
    const W = param('W', [1]);
    const b = param('b', [1], false);
    const opt = createOptimizer([W, b], { name: 'sgd', lr: 0.1, weightDecay: 0.1 });
    W.grad.data[0] = 0.5;
    b.grad.data[0] = 0.5;
    opt.step();
    expect(W.value.data[0]).toBeCloseTo(1 - 0.1 * (0.5 + 0.1 * 1), 6); // 0.94
    expect(b.value.data[0]).toBeCloseTo(0.95, 6);
  });

  it('lr is writable between steps (the runner schedules it)', () => {
    const p = param('w', [1]);
    const opt = createOptimizer([p], { name: 'sgd', lr: 0.1 });
    opt.lr = 0.5;
    p.grad.data[0] = 1;
    opt.step();
    expect(p.value.data[0]).toBe(0.5);
  });
});

describe('gradient clipping (clipGradNorm)', () => {
  /** One sgd step (lr 1) on two parameters with these gradients; returns the steps taken. */
  function clippedStep(clip: number | null, gw: number[], gb: number[], weightDecay = 0) {
    const w = param('w', [0, 0]);
    const b = param('b', [0], false);
    const opt = createOptimizer([w, b], { name: 'sgd', lr: 1, weightDecay, clipGradNorm: clip });
    w.grad.data.set(gw);
    b.grad.data.set(gb);
    opt.step();
    return { steps: [...w.value.data, ...b.value.data].map((x) => -x), norm: opt.lastGradNorm };
  }

  it('scales every gradient by max / norm, the norm over all parameters together', () => {
    // |(3, 4, 12)| = 13 > 6.5: each gradient halved -> (1.5, 2, 6).
    const { steps, norm } = clippedStep(6.5, [3, 4], [12]);
    expect(norm).toBe(13);
    expect(steps).toEqual([1.5, 2, 6]);
  });

  it('leaves a gradient at or below the norm as it is, and clips before weight decay', () => {
    expect(clippedStep(13, [3, 4], [12]).steps).toEqual([3, 4, 12]);
    expect(clippedStep(null, [3, 4], [12]).steps).toEqual([3, 4, 12]);
    // Decay 0.5 on w = 0 adds nothing, so the clipped step is the same; on w = 2 it adds 1 after.
    expect(clippedStep(6.5, [3, 4], [12], 0.5).steps).toEqual([1.5, 2, 6]);
    const w = param('w', [2]);
    const opt = createOptimizer([w], { name: 'sgd', lr: 1, weightDecay: 0.5, clipGradNorm: 1 });
    w.grad.data[0] = 4; // clipped to 1, then + 0.5 * 2: w = 2 - 2 = 0
    opt.step();
    expect(w.value.data[0]).toBe(0);
  });

  it('refuses a norm <= 0', () => {
    expect(() => createOptimizer([param('w', [0])], { name: 'sgd', lr: 1, clipGradNorm: 0 })).toThrow(
      /optimizer\.clipGradNorm: .*>\s?0/,
    );
  });
});

describe('optimizer state', () => {
  const specs: OptimizerSpec[] = [
    { name: 'momentum', lr: 0.1 },
    { name: 'adam', lr: 0.01 },
    { name: 'rmsprop', lr: 0.01 },
    { name: 'adagrad', lr: 0.1 },
  ];
  for (const spec of specs) {
    it(`${spec.name}: a restored checkpoint continues exactly like the original`, () => {
      const grads = [0.3, -0.7, 0.2, 0.9, -0.1];
      const p = param('w', [1, -1]);
      const opt = createOptimizer([p], spec);
      expect(opt.getState().slots.w).toEqual([]); // lazy: nothing before the first step
      const run = (o: typeof opt, q: Param, gs: number[]) =>
        gs.forEach((g) => {
          q.grad.data.fill(g);
          o.step();
        });
      run(opt, p, grads.slice(0, 2));
      const saved = structuredClone(opt.getState());
      const savedW = p.value.data.slice();
      run(opt, p, grads.slice(2));

      const q = param('w', [0, 0]);
      q.value.data.set(savedW);
      const restored = createOptimizer([q], spec);
      restored.setState(saved);
      run(restored, q, grads.slice(2));
      expect([...q.value.data]).toEqual([...p.value.data]);
    });
  }

  it('rejects a state of another optimizer or size', () => {
    const p = param('w', [1, 2]);
    const adam = createOptimizer([p], { name: 'adam', lr: 0.1 });
    adam.step();
    expect(() => createOptimizer([p], { name: 'rmsprop', lr: 0.1 }).setState(adam.getState())).toThrow(
      /'adam'.*'rmsprop'/,
    );
    expect(() =>
      createOptimizer([param('w', [1])], { name: 'adam', lr: 0.1 }).setState(adam.getState()),
    ).toThrow(/size 1/);
  });
});

describe('createOptimizer', () => {
  it('rejects a bad spec with a message naming the key', () => {
    expect(() => createOptimizer([], { name: 'sgd', lr: -1 })).toThrow(
      /optimizer\.lr: expected a finite number >= 0/,
    );
    expect(() => createOptimizer([], { name: 'adamw' as 'adam', lr: 1 })).toThrow(/optimizer\.name/);
    expect(() => createOptimizer([], { name: 'momentum', lr: 1, momentum: 1 })).toThrow(
      /optimizer\.momentum/,
    );
  });
});
