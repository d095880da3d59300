// Why a run does not learn, once, for every view of a run (ablate show, the dashboard's run page):
// pure, over what the results store records (each epoch's train loss, each layer's statistics), so a
// stored run's verdict is derived, never stored.
//
// Stalled: the training loss moved by no more than `tolerance` (relative) over the last `epochs`
// epochs. Then the per-layer statistics say why, the first that applies:
//   vanishing gradients   every layer's weight-gradient std below VANISHING_GRAD_STD: no signal
//                         reaches the weights, whatever the learning rate (lesson 004's summed
//                         output delta gives ~1e-9 in float32);
//   dead ReLU layer       a ReLU layer whose outputs are all 0 on the probe batch (act std 0);
//   vanishing early       the first layers' gradients below the threshold, the later ones not;
//   too small a step      gradients reach every layer, yet nothing moves: the learning rate.
// With a softmax output the first epoch's loss is compared with a uniform guess's, ln C.

/** The stall rule's defaults (train.stall overrides them). */
export const STALL = { epochs: 5, tolerance: 1e-3 };

/** A weight-gradient std below this carries no signal (a healthy MLP's are 1e-4 .. 1e-1). */
export const VANISHING_GRAD_STD = 1e-6;

/**
 * Whether the losses (epoch 1 first) have stalled under the rule: the last `epochs` of them all
 * within `tolerance` of the loss before them (relative), and the window's ends.
 */
export function stallOf(losses, rule = {}) {
  const { epochs, tolerance } = { ...STALL, ...rule };
  const n = losses.length;
  if (n < epochs + 1) return null;
  const window = losses.slice(n - epochs - 1);
  if (window.some((loss) => loss === null || !Number.isFinite(loss))) return null;
  const base = window[0];
  const moved = Math.max(...window.map((loss) => Math.abs(loss - base))) / Math.max(Math.abs(base), 1e-12);
  return moved <= tolerance ? { from: n - epochs, to: n, moved, first: base, last: window[epochs] } : null;
}

const exp = (x) => x.toExponential(1);
const pct = (x) => `${(100 * x).toPrecision(2)}%`;

/**
 * The diagnosis of a run that does not learn, or null for one that does. run: {status, trainLoss
 * (per epoch, epoch 1 first), layers ([{name, grad_std, act_mean, act_std}] of its last epoch),
 * outputActivation, classes (output units, or null), lr, stall (train.stall, or undefined)}.
 * Returns {verdict: 'stalled', cause, sentence, statistic: {name, values: {layer: value}}}.
 */
export function diagnose(run) {
  if (run.status !== 'finished') return null;
  const stall = stallOf(run.trainLoss, run.stall);
  if (!stall) return null;
  const head =
    `Stalled: the training loss moved ${pct(stall.moved)} over epochs ${stall.from}-${stall.to} ` +
    `(${stall.first.toPrecision(6)} to ${stall.last.toPrecision(6)}).`;
  const layers = run.layers ?? [];
  const grads = Object.fromEntries(layers.map((layer) => [layer.name, layer.grad_std]));
  const gradList = layers.map((layer) => `${layer.name} ${exp(layer.grad_std)}`).join(', ');
  const vanishing = layers.filter((layer) => layer.grad_std < VANISHING_GRAD_STD);
  const dead = layers.find((layer) => /\(relu\)/.test(layer.name) && layer.act_std === 0);
  let cause;
  let why;
  let statistic = { name: 'grad_std', values: grads };
  if (layers.length > 0 && vanishing.length === layers.length) {
    cause = 'vanishing gradients';
    why =
      `Vanishing gradients: the weight-gradient std of every layer is below ${exp(VANISHING_GRAD_STD)} ` +
      `(${gradList}), so no update moves the weights. A backward pass that loses its signal does this ` +
      `(lesson 004 summed its output delta to one number): gradient-check it with ablate check.`;
  } else if (dead) {
    cause = 'dead ReLU';
    statistic = { name: 'act_std', values: Object.fromEntries(layers.map((l) => [l.name, l.act_std])) };
    why = `Dead ReLUs: ${dead.name} outputs only zeros (activation std 0), so nothing after it learns; a smaller learning rate or another init keeps units alive.`;
  } else if (vanishing.length > 0) {
    cause = 'vanishing gradients';
    why =
      `Vanishing gradients in ${vanishing.map((l) => l.name).join(', ')} (weight-gradient std ${gradList}): ` +
      `the signal dies on its way back; a fan-in init (he_normal, lecun_normal) or ReLU keeps it.`;
  } else {
    cause = 'too small a step';
    why =
      `The gradients reach every layer (weight-gradient std ${gradList}), yet the loss does not move: ` +
      `the learning rate (${run.lr}) is too small for them.`;
  }
  let uniform = '';
  if (run.outputActivation === 'softmax' && run.classes && Number.isFinite(run.trainLoss[0])) {
    const guess = Math.log(run.classes);
    uniform =
      ` Epoch 1's loss ${run.trainLoss[0].toPrecision(4)} against a uniform guess's ln ${run.classes} = ${guess.toPrecision(4)}` +
      (Math.abs(run.trainLoss[0] - guess) <= 0.1 * guess
        ? ': the network never left a near-uniform output.'
        : '.');
  }
  return { verdict: 'stalled', cause, sentence: `${head} ${why}${uniform}`, statistic };
}
