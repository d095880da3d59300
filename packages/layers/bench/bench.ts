// Training throughput of the lessons' 784-128-64-10 ReLU net (softmax + cross-entropy, momentum
// SGD) over 60,000 MNIST-sized samples, one thread, at batch 128 and 16; with a per-phase
// breakdown, and the same step with the reference kernels as a ratio.
//
//   npx nx run layers:bench                 synthetic data (uniform pixels, random labels)
//   npx nx run layers:bench -- --mnist      the real MNIST training set (prints test accuracy too)
//   --epochs N (default 1)   --reference-steps N (default 40; 0 skips the reference run)
import type { Dataset } from '@ablate/data';
import { Rng, Tensor, kernels, setKernels } from '@ablate/tensor';
import { PhaseTimer, Sequential } from '../src/index.ts';
import { LESSON_MLP, batches, mnist, oneHot, tensors } from '../test/data.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const EPOCHS = option('epochs', 1);
const REFERENCE_STEPS = option('reference-steps', 40);
const REAL = args.includes('--mnist');
const N = 60_000;

const spec = LESSON_MLP;

function data(): Dataset {
  if (REAL) return mnist(N, 10_000).train;
  const rng = new Rng(1);
  const labels = Int32Array.from({ length: N }, () => rng.int(10));
  return {
    x: Tensor.uniform([N, 784], rng).data,
    y: oneHot(labels, 10).data,
    labels,
    count: N,
    features: 784,
    targets: 10,
    classes: 10,
  };
}

function model(timer?: PhaseTimer): Sequential {
  return new Sequential(spec, {
    rng: new Rng(2),
    optimizer: { name: 'momentum', lr: 0.01, momentum: 0.9 },
    timer,
  });
}

/** Seconds per sample of trainStep over `steps` steps (no warm-up counted). */
function secondsPerSample(m: Sequential, x: Tensor, y: Tensor, B: number, steps: number): number {
  const xb = x.rowView(0, B);
  const yb = y.rowView(0, B);
  for (let i = 0; i < 5; i++) m.trainStep(xb, yb);
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) m.trainStep(xb, yb);
  return (performance.now() - t0) / 1000 / (steps * B);
}

const train = data();
const { x, y } = tensors(train);
const fast = kernels().name;
console.log(
  `layers bench: ${spec.input}-${spec.hidden.join('-')}-${spec.output} relu, softmax+CE, momentum SGD`,
);
console.log(
  `data: ${N} ${REAL ? 'MNIST' : 'synthetic'} samples, ${EPOCHS} epoch(s) per batch size, kernels: ${fast}, node ${process.version}\n`,
);

for (const B of [128, 16]) {
  const timer = new PhaseTimer();
  const m = model(timer);
  for (let i = 0; i < 20; i++) m.trainStep(x.rowView(i * B, (i + 1) * B), y.rowView(i * B, (i + 1) * B)); // warm-up (JIT)
  for (const k of Object.keys(timer.ms)) delete timer.ms[k];
  const shuffle = new Rng(3);
  let batching = 0;
  let lastLoss = 0;
  const t0 = performance.now();
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    let tb = performance.now();
    for (const [xb, yb] of batches(train, B, shuffle)) {
      batching += performance.now() - tb;
      lastLoss = m.trainStep(xb, yb);
      tb = performance.now();
    }
  }
  const seconds = (performance.now() - t0) / 1000 / EPOCHS;
  console.log(
    `batch ${B}: ${seconds.toFixed(2)} s/epoch, ${Math.round(N / seconds)} samples/s (last batch loss ${lastLoss.toFixed(3)})`,
  );
  const phases = { ...timer.ms, 'batching (shuffle + copy)': batching };
  const total = Object.values(phases).reduce((s, v) => s + v, 0);
  for (const [phase, ms] of Object.entries(phases).sort((a, b) => b[1] - a[1])) {
    console.log(
      `  ${phase.padEnd(28)} ${(ms / 1000 / EPOCHS).toFixed(3).padStart(7)} s  ${((100 * ms) / total).toFixed(1).padStart(5)}%`,
    );
  }
  if (REAL) {
    const test = tensors(mnist(N, 10_000).test);
    console.log(
      `  test accuracy after ${EPOCHS} epoch(s): ${(100 * m.evaluate(test.x, test.y).accuracy).toFixed(2)}%`,
    );
  }
  if (REFERENCE_STEPS > 0 && fast !== 'reference') {
    const fastRate = secondsPerSample(model(), x, y, B, REFERENCE_STEPS);
    setKernels('reference');
    const refRate = secondsPerSample(model(), x, y, B, REFERENCE_STEPS);
    setKernels('fast');
    console.log(
      `  reference kernels: ${(refRate * N).toFixed(2)} s/epoch (from ${REFERENCE_STEPS} steps), ${(refRate / fastRate).toFixed(1)}x the ${fast} step time`,
    );
  }
  console.log();
}
