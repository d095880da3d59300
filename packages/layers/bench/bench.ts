// Training throughput, one thread, and its ratio to numpy + OpenBLAS (bench/numpy_train.py, on the
// same workload in the same run, before and after ours, when python3 and numpy are present). Two
// networks (bench/cases.ts):
//  - the lessons' 784-128-64-10 ReLU net (softmax + cross-entropy, momentum SGD) over 60,000
//    MNIST-sized samples, shuffled mini-batches of 128 and of 16;
//  - lesson 002's 784-395-200-100-20-1 sigmoid net (sigmoid output + binary cross-entropy, "is it
//    an 8"), plain gradient descent on the full batch of 50,000.
// Each with a per-phase breakdown, the optimizer's share of a step (measured apart: with momentum
// the weights' update runs inside the backward pass), and the step time with the reference kernels
// as a ratio. The cases that add a knob to the batch-128 one (dropout and batch norm, clipping) are
// also timed against it in alternate epochs.
//
//   npx nx run layers:bench                 synthetic data (uniform pixels, random labels)
//   npx nx run layers:bench -- --mnist      real MNIST, training and test sets (prints test accuracy)
//   --epochs N (default 1; at least 3 for the full batch, an epoch there being a single step)
//   --reference-steps N (default 40; 0 skips the reference run)
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Rng, Tensor, kernels, setKernels, type KernelChoice } from '@ablate/tensor';
import { numpyVersion, runNumpy } from '../../tensor/bench/numpy.ts';
import type { Dataset } from '@ablate/data';
import { PhaseTimer, type Sequential } from '../src/index.ts';
import { batches, tensors } from '../test/data.ts';
import { WORKLOADS, workloadData, workloadModel, type Workload } from './cases.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const EPOCHS = option('epochs', 1);
const REFERENCE_STEPS = option('reference-steps', 40);
const REAL = args.includes('--mnist');
const ALTERNATE_PAIRS = 5;

/** Seconds per sample of trainStep over `steps` steps (after 2 uncounted ones). */
function secondsPerSample(m: Sequential, x: Tensor, y: Tensor, B: number, steps: number): number {
  const xb = x.rowView(0, B);
  const yb = y.rowView(0, B);
  for (let i = 0; i < 2; i++) m.trainStep(xb, yb);
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) m.trainStep(xb, yb);
  return (performance.now() - t0) / 1000 / (steps * B);
}

/**
 * The optimizer's share of a training step: the step's time less its metrics and less forward +
 * backward alone (gradients), over the step's time, from `pairs` alternating pairs on one batch.
 * With the update fused into the backward pass, the phase breakdown cannot tell its cost apart.
 */
function optimizerShare(w: Workload, x: Tensor, y: Tensor, pairs: number): number {
  const timer = new PhaseTimer();
  const m = workloadModel(w, timer);
  const xb = x.rowView(0, w.batch);
  const yb = y.rowView(0, w.batch);
  let step = 0;
  let backprop = 0;
  for (let i = 0; i < pairs; i++) {
    const t0 = performance.now();
    m.trainStep(xb, yb);
    const t1 = performance.now();
    m.gradients(xb, yb);
    step += t1 - t0;
    backprop += performance.now() - t1;
  }
  return (step - timer.ms.metrics - backprop) / step;
}

/**
 * The knob case's epoch time over its plain case's, from `pairs` pairs of epochs taken alternately
 * (each pair on the same shuffle), sorted: on a machine shared with other jobs, epochs timed
 * minutes apart (the ratio printed beside the case's own epochs) move with the neighbours' load,
 * while the two epochs of a pair see about the same.
 */
function alternatingRatios(w: Workload, plain: Workload, train: Dataset, pairs: number): number[] {
  const models = [workloadModel(w), workloadModel(plain)];
  const epoch = (m: Sequential, seed: number) => {
    const t0 = performance.now();
    for (const [xb, yb] of batches(train, w.batch, new Rng(seed))) m.trainStep(xb, yb);
    return performance.now() - t0;
  };
  models.forEach((m) => epoch(m, 0)); // warm-up (JIT)
  const ratios: number[] = [];
  for (let pair = 1; pair <= pairs; pair++) {
    const [knob, base] = models.map((m) => epoch(m, pair));
    ratios.push(knob / base);
  }
  return ratios.sort((a, b) => a - b);
}

const ours = kernels().name;
const numpy = numpyVersion();
const cpu = os.cpus()[0]?.model ?? 'unknown cpu';
console.log(
  `layers bench: ${REAL ? 'MNIST' : 'synthetic'} data, ${EPOCHS} epoch(s) per mini-batch case, kernels: ${ours}, node ${process.version}, ${numpy ?? 'no numpy'}, ${cpu}, load average ${os.loadavg()[0].toFixed(1)}\n`,
);
const script = fileURLToPath(new URL('numpy_train.py', import.meta.url));

// Each workload's seconds per epoch, for the ones that add something to it.
const epochSeconds = new Map<Workload, number>();
for (const w of WORKLOADS) {
  const { batch: B, samples: N } = w;
  const epochs = B < N ? EPOCHS : Math.max(EPOCHS, 3);
  const { train, test } = workloadData(w, REAL);
  const { x, y } = tensors(train);
  // numpy before and after ours, compared with the mean of the two: the machine's speed drifts
  // over minutes (a VM's neighbours), and one run on each side evens out a drift in between.
  const runBaseline = () =>
    numpy
      ? runNumpy<{ seconds: number; optimizerSeconds: number }>(script, {
          case: w.numpyCase,
          batch: B,
          samples: N,
          epochs,
        })
      : undefined;
  const before = runBaseline();
  const timer = new PhaseTimer();
  const m = workloadModel(w, timer);
  for (let i = 0; i < Math.min(20, N / B); i++)
    m.trainStep(x.rowView(i * B, (i + 1) * B), y.rowView(i * B, (i + 1) * B)); // warm-up (JIT)
  for (const k of Object.keys(timer.ms)) delete timer.ms[k];
  const shuffle = new Rng(3);
  let batching = 0;
  let lastLoss = 0;
  const t0 = performance.now();
  for (let epoch = 0; epoch < epochs; epoch++) {
    let tb = performance.now();
    // The full batch is the dataset itself: nothing to shuffle or gather.
    for (const [xb, yb] of B < N ? batches(train, B, shuffle) : [[x, y]]) {
      batching += performance.now() - tb;
      lastLoss = m.trainStep(xb, yb);
      tb = performance.now();
    }
  }
  const seconds = (performance.now() - t0) / 1000 / epochs;
  console.log(`${w.title}, batch ${B} of ${N}, mean of ${epochs} epoch(s)`);
  const after = runBaseline();
  const versus =
    before && after
      ? `; numpy ${before.seconds.toFixed(2)} s before, ${after.seconds.toFixed(2)} s after (optimizer ${((100 * (before.optimizerSeconds + after.optimizerSeconds)) / (before.seconds + after.seconds)).toFixed(1)}%): ${((2 * seconds) / (before.seconds + after.seconds)).toFixed(2)}x numpy's time`
      : '';
  epochSeconds.set(w, seconds);
  const plain = w.adds && epochSeconds.get(w.adds);
  const added = plain
    ? `; ${(seconds / plain).toFixed(2)}x the plain epoch's time (${plain.toFixed(2)} s)`
    : '';
  console.log(
    `  ${seconds.toFixed(2)} s/epoch, ${Math.round(N / seconds)} samples/s (last batch loss ${lastLoss.toFixed(3)})${versus}${added}`,
  );
  if (w.adds) {
    const ratios = alternatingRatios(w, w.adds, train, ALTERNATE_PAIRS);
    console.log(
      `  alternating with the plain case, ${ALTERNATE_PAIRS} pairs of epochs: median ${ratios[Math.floor(ratios.length / 2)].toFixed(2)}x its time (${ratios.map((r) => r.toFixed(2)).join(', ')})`,
    );
  }
  const phases = { ...timer.ms, 'batching (shuffle + copy)': batching };
  const total = Object.values(phases).reduce((s, v) => s + v, 0);
  for (const [phase, ms] of Object.entries(phases).sort((a, b) => b[1] - a[1])) {
    console.log(
      `  ${phase.padEnd(28)} ${(ms / 1000 / epochs).toFixed(3).padStart(7)} s  ${((100 * ms) / total).toFixed(1).padStart(5)}%`,
    );
  }
  if (B < N) {
    const pairs = Math.ceil(N / B);
    const share = optimizerShare(w, x, y, pairs);
    // Below zero when the fused update costs less than what forward + backward alone does instead:
    // zero the weight gradients, then write them (on the wasm path, copy them out of its memory).
    console.log(
      `  optimizer's share of a step: ${(100 * share).toFixed(1)}% (a step less its metrics and forward + backward alone, ${pairs} pairs on one batch${share < 0 ? ', which writes the weight gradients the fused step never stores' : ''})`,
    );
  }
  if (test) {
    const scored = tensors(test);
    console.log(
      `  test accuracy after ${epochs} epoch(s): ${(100 * m.evaluate(scored.x, scored.y).accuracy).toFixed(2)}%`,
    );
  }
  // The reference at full batch would take minutes a step: compared on mini-batches only.
  if (REFERENCE_STEPS > 0 && ours !== 'reference' && B < N) {
    const rate = secondsPerSample(workloadModel(w), x, y, B, REFERENCE_STEPS);
    setKernels('reference');
    const refRate = secondsPerSample(workloadModel(w), x, y, B, REFERENCE_STEPS);
    setKernels((process.env.ABLATE_KERNELS || undefined) as KernelChoice | undefined);
    console.log(
      `  reference kernels: ${(refRate * N).toFixed(2)} s/epoch (from ${REFERENCE_STEPS} steps), ${(refRate / rate).toFixed(1)}x the ${ours} step time`,
    );
  }
  console.log();
}
