// A rough run-time estimate for --dry-run: the run's floating-point work divided by this machine's
// matmul throughput, measured once per process.
import { matmul, Tensor } from '@ablate/tensor';
import { dataShape } from './data-shape.ts';
import type { PlannedRun } from './plan.ts';

// A training step is about three matmuls per layer (forward, the two backward products): 2 FLOPs
// per weight each, so 6 per weight per sample; evaluation is the forward pass only.
const TRAIN_FLOPS_PER_WEIGHT = 6;
const EVAL_FLOPS_PER_WEIGHT = 2;
// Activations, losses and optimizer steps keep training somewhat below the bare matmul rate.
const TRAINING_EFFICIENCY = 0.8;
// Starting a run (loading and scaling its data, writing its rows) costs about this much, whatever its size.
const RUN_OVERHEAD_SECONDS = 0.5;

let flopsPerSecond: number | undefined;

/** FLOP/s of a 128x784 by 784x128 matmul (an MNIST first layer at batch 128), best of a few. */
function throughput(): number {
  if (flopsPerSecond === undefined) {
    const a = Tensor.full([128, 784], 0.5);
    const b = Tensor.full([784, 128], 0.5);
    const out = Tensor.zeros([128, 128]);
    let best = Infinity;
    for (let trial = 0; trial < 6; trial++) {
      const start = performance.now();
      matmul(out, a, b);
      best = Math.min(best, performance.now() - start);
    }
    flopsPerSecond = (2 * 128 * 784 * 128) / (Math.max(best, 1e-3) / 1000);
  }
  return flopsPerSecond;
}

/** Roughly how long a run takes to train and test on this machine, start-up included. */
export function estimateRunSeconds(run: PlannedRun): number {
  const { data, model, train } = run.config;
  const shape = dataShape(data);
  const sizes = [shape.input, ...model.hidden, shape.output];
  const weights = sizes.slice(1).reduce((sum, size, i) => sum + (sizes[i] + 1) * size, 0);
  const perEpoch =
    (shape.train * TRAIN_FLOPS_PER_WEIGHT + shape.validation * EVAL_FLOPS_PER_WEIGHT) * weights;
  const flops = train.epochs * perEpoch + shape.test * EVAL_FLOPS_PER_WEIGHT * weights;
  return RUN_OVERHEAD_SECONDS + flops / (throughput() * TRAINING_EFFICIENCY);
}
