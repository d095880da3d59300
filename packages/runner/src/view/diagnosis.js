// Why a run does not learn, once, for every view of a run (the trainer's closing line, ablate show,
// the dashboard's run page): pure, over what the results store records (each epoch's train loss,
// each layer's statistics on the probe batch).
//
// Stalled: the training loss moved by no more than `tolerance` (relative) over the last `epochs`
// epochs. The trainer stops a run there and records it `stalled` (exec/train.ts); a version-6
// database recorded no verdict, so its `finished` runs whose loss was flat are diagnosed here too,
// derived. Then the per-layer statistics say why, the first that applies:
//   vanishing gradients   every layer's weight-gradient std below VANISHING_GRAD_STD: no signal
//                         reaches the weights, whatever the learning rate (lesson 004's summed
//                         output delta gives ~1e-9 in float32);
//   dead ReLU layer       a ReLU layer with at least DEAD_RELU_FRACTION of its units 0 for every
//                         example of the probe batch (dead_fraction; in rows written before it was
//                         measured: a ReLU layer whose activations' std is 0);
//   vanishing early       the first layers' gradients below the threshold, the later ones not;
//   too small a step      gradients reach every layer, yet every layer's update_ratio (lr ||dW|| /
//                         ||W||, @ablate/layers' LayerStats) is below SMALL_UPDATE_RATIO (in rows
//                         written before update_ratio was measured, this is the verdict here);
//   plateau               the steps are of a size that moves the weights, yet the loss does not.
// With a softmax output the first epoch's loss is compared with a uniform guess's, ln C.

/** The stall rule's defaults (train.stall overrides them). */
export const STALL = { epochs: 5, tolerance: 1e-3 };

/** A weight-gradient std below this carries no signal (a healthy MLP's are 1e-4 .. 1e-1). */
export const VANISHING_GRAD_STD = 1e-6;

/** A ReLU layer with at least this fraction of dead units passes too little on to learn. */
export const DEAD_RELU_FRACTION = 0.5;

/** An update_ratio below this moves the weights by nothing (healthy layers are near 1e-3). */
export const SMALL_UPDATE_RATIO = 1e-5;

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
const known = (x) => x !== null && x !== undefined && Number.isFinite(x);
/** {layer: value} of the layers that have the statistic. */
const valuesOf = (layers, name) =>
  Object.fromEntries(layers.filter((layer) => known(layer[name])).map((layer) => [layer.name, layer[name]]));

/**
 * The diagnosis of a run that does not learn, or null for one that does. run: {status ('stalled',
 * or 'finished' for a run recorded before the trainer stopped stalled runs), trainLoss (per epoch,
 * epoch 1 first), layers ([{name, grad_std, act_mean, act_std, update_ratio, dead_fraction}] of its
 * last epoch; the last two null in rows written before they were measured), outputActivation,
 * classes (output units, or null), lr (its last epoch's), stall (train.stall, or undefined)}.
 * Returns {verdict: 'stalled', cause, sentence, statistic: {name, values: {layer: value}}}.
 */
export function diagnose(run) {
  if (run.status !== 'stalled' && run.status !== 'finished') return null;
  const stall = stallOf(run.trainLoss, run.stall);
  if (!stall) return null;
  const head =
    `Stalled: the training loss moved ${pct(stall.moved)} over epochs ${stall.from}-${stall.to} ` +
    `(${stall.first.toPrecision(6)} to ${stall.last.toPrecision(6)}).`;
  const layers = run.layers ?? [];
  const gradList = layers.map((layer) => `${layer.name} ${exp(layer.grad_std)}`).join(', ');
  const vanishing = layers.filter((layer) => layer.grad_std < VANISHING_GRAD_STD);
  const relu = layers.filter((layer) => /\(relu\)/.test(layer.name));
  const measured = relu.some((layer) => known(layer.dead_fraction));
  const dead = measured
    ? relu.find((layer) => layer.dead_fraction >= DEAD_RELU_FRACTION)
    : relu.find((layer) => layer.act_std === 0);
  const ratios = valuesOf(layers, 'update_ratio');
  const ratioList = Object.entries(ratios)
    .map(([name, ratio]) => `${name} ${exp(ratio)}`)
    .join(', ');
  let cause;
  let why;
  let statistic = { name: 'grad_std', values: valuesOf(layers, 'grad_std') };
  if (layers.length > 0 && vanishing.length === layers.length) {
    cause = 'vanishing gradients';
    why =
      `Vanishing gradients: the weight-gradient std of every layer is below ${exp(VANISHING_GRAD_STD)} ` +
      `(${gradList}), so no update moves the weights. A backward pass that loses its signal does this ` +
      `(lesson 004 summed its output delta to one number): gradient-check it with ablate check.`;
  } else if (dead && measured) {
    cause = 'dead ReLU';
    statistic = { name: 'dead_fraction', values: valuesOf(relu, 'dead_fraction') };
    why =
      `Dead ReLUs: ${pct(dead.dead_fraction)} of ${dead.name}'s units output 0 for every example of the ` +
      `probe batch (${pct(DEAD_RELU_FRACTION)} or more counts as dead), so little after them learns; a ` +
      `smaller learning rate or another init keeps units alive.`;
  } else if (dead) {
    cause = 'dead ReLU';
    statistic = { name: 'act_std', values: valuesOf(layers, 'act_std') };
    why = `Dead ReLUs: ${dead.name} outputs only zeros (activation std 0), so nothing after it learns; a smaller learning rate or another init keeps units alive.`;
  } else if (vanishing.length > 0) {
    cause = 'vanishing gradients';
    why =
      `Vanishing gradients in ${vanishing.map((l) => l.name).join(', ')} (weight-gradient std ${gradList}): ` +
      `the signal dies on its way back; a fan-in init (he_normal, lecun_normal) or ReLU keeps it.`;
  } else if (Object.keys(ratios).length === 0) {
    // Rows written before update_ratio was measured: the rule of that time.
    cause = 'too small a step';
    why =
      `The gradients reach every layer (weight-gradient std ${gradList}), yet the loss does not move: ` +
      `the learning rate (${run.lr}) is too small for them.`;
  } else if (Object.values(ratios).every((ratio) => ratio < SMALL_UPDATE_RATIO)) {
    cause = 'too small a step';
    statistic = { name: 'update_ratio', values: ratios };
    why =
      `The gradients reach every layer, yet a step at the learning rate (${run.lr}) changes each ` +
      `layer's weights by less than ${exp(SMALL_UPDATE_RATIO)} of their norm (lr ||dW|| / ||W||: ` +
      `${ratioList}): the learning rate is too small for them.`;
  } else {
    cause = 'plateau';
    statistic = { name: 'update_ratio', values: ratios };
    why =
      `The gradients reach every layer and a step moves the weights (lr ||dW|| / ||W||: ${ratioList}), ` +
      `yet the loss does not move: a plateau (the network fits what it can, or sits at a saddle); a ` +
      `wider network, another learning rate or schedule may move it.`;
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
