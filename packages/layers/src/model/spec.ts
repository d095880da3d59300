// The plain config object a Sequential model is built from, and its validation. Every field is
// documented here, once; checkModelSpec turns a bad config into a one-line message that names the
// key and what was expected, before any buffer is allocated.
import { VARIANCE_SCALING, type InitSpec } from '../init/init.ts';

const ACTIVATIONS = ['sigmoid', 'tanh', 'relu', 'leaky_relu', 'linear', 'softmax', 'swish'] as const;
const LOSSES = ['mse', 'mae', 'bce', 'cross_entropy'] as const;
const NAMED_INITS = ['zeros', ...Object.keys(VARIANCE_SCALING)];
const INIT_EXPECTED = `one of ${NAMED_INITS.join(', ')}, {name:'normal',std} or {name:'uniform',scale}`;

export type ActivationName = (typeof ACTIVATIONS)[number];
export type LossName = (typeof LOSSES)[number];

export interface ModelSpec {
  /** Features per sample (columns of x). */
  input: number;
  /** Sizes of the hidden Dense layers; empty gives a single-layer model (logistic regression). */
  hidden: number[];
  /** Hidden activations: one name for all hidden layers, or one per hidden layer. */
  activation: ActivationName | ActivationName[];
  /** Slope of leaky_relu for x < 0 (default 0.01). */
  leakySlope?: number;
  /** Units of the output layer (columns of y). */
  output: number;
  /** Activation of the output layer. */
  outputActivation: ActivationName;
  /** Loss: mse / mae on any output; bce needs a 1-unit sigmoid output; cross_entropy a softmax output. */
  loss: LossName;
  /** Weight init of every Dense layer. */
  init: InitSpec;
  /** Bias init of every Dense layer (default 'zeros'). */
  biasInit?: InitSpec;
}

function bad(key: string, expected: string, got: unknown): never {
  throw new Error(`model.${key}: expected ${expected}, got ${JSON.stringify(got)}`);
}

function conflict(key: string, message: string): never {
  throw new Error(`model.${key}: ${message}`);
}

function checkSize(key: string, v: unknown): void {
  if (!Number.isInteger(v) || (v as number) < 1) bad(key, 'a positive integer', v);
}

function checkActivation(key: string, v: unknown): void {
  if (!ACTIVATIONS.includes(v as ActivationName)) bad(key, `one of ${ACTIVATIONS.join(', ')}`, v);
}

function checkInit(key: string, v: unknown): void {
  if (typeof v === 'string') {
    if (!NAMED_INITS.includes(v)) bad(key, INIT_EXPECTED, v);
    return;
  }
  const o = v as { name?: unknown; std?: unknown; scale?: unknown } | null;
  if (o?.name === 'normal') {
    if (!(typeof o.std === 'number' && o.std >= 0 && Number.isFinite(o.std)))
      bad(`${key}.std`, 'a finite number >= 0', o.std);
  } else if (o?.name === 'uniform') {
    if (!(typeof o.scale === 'number' && o.scale >= 0 && Number.isFinite(o.scale)))
      bad(`${key}.scale`, 'a finite number >= 0', o.scale);
  } else {
    bad(key, INIT_EXPECTED, v);
  }
}

/** Throws an Error with a one-line message naming the offending key and what was expected. */
export function checkModelSpec(spec: ModelSpec): void {
  if (typeof spec !== 'object' || spec === null) bad('', 'an object', spec);
  checkSize('input', spec.input);
  if (!Array.isArray(spec.hidden)) bad('hidden', 'an array of layer sizes (may be empty)', spec.hidden);
  spec.hidden.forEach((h, i) => checkSize(`hidden[${i}]`, h));
  if (Array.isArray(spec.activation)) {
    if (spec.activation.length !== spec.hidden.length) {
      bad('activation', `one name per hidden layer (${spec.hidden.length})`, spec.activation);
    }
    spec.activation.forEach((a, i) => checkActivation(`activation[${i}]`, a));
  } else {
    checkActivation('activation', spec.activation);
  }
  if (
    spec.leakySlope !== undefined &&
    !(typeof spec.leakySlope === 'number' && Number.isFinite(spec.leakySlope))
  ) {
    bad('leakySlope', 'a finite number', spec.leakySlope);
  }
  checkSize('output', spec.output);
  checkActivation('outputActivation', spec.outputActivation);
  if (!LOSSES.includes(spec.loss)) bad('loss', `one of ${LOSSES.join(', ')}`, spec.loss);
  checkInit('init', spec.init);
  if (spec.biasInit !== undefined) checkInit('biasInit', spec.biasInit);
  // Pairings: the two fused losses are only defined on the output they are fused with.
  if (spec.outputActivation === 'softmax' && spec.output < 2) {
    conflict('output', "outputActivation 'softmax' needs at least 2 units (softmax of 1 unit is always 1)");
  }
  if (spec.loss === 'bce' && (spec.outputActivation !== 'sigmoid' || spec.output !== 1)) {
    conflict(
      'loss',
      "'bce' needs output 1 with outputActivation 'sigmoid' (for classes use cross_entropy with softmax)",
    );
  }
  if (spec.loss === 'cross_entropy' && spec.outputActivation !== 'softmax') {
    conflict(
      'loss',
      "'cross_entropy' needs outputActivation 'softmax' (for two classes use bce with a 1-unit sigmoid)",
    );
  }
}

/** The activation of hidden layer i. */
export function hiddenActivation(spec: ModelSpec, i: number): ActivationName {
  return Array.isArray(spec.activation) ? spec.activation[i] : spec.activation;
}
