// The plain config object a Sequential model is built from: its schema (the rules and the defaults,
// stated once, here) and the checks between fields. Every field is documented here, once;
// checkModelSpec turns a bad config into a SpecError naming the key, before any buffer is allocated.
import { z } from 'zod';
import { ACTIVATIONS, activationName, type ActivationName } from '../activations/activation.ts';
import { initSpec, type InitSpec } from '../init/init.ts';
import { lossName, type LossName } from '../losses/loss.ts';
import { componentRef, type ComponentRef } from '../custom/component.ts';
import { parseSpec, SpecError } from '../spec-error.ts';

const units = z
  .number()
  .int({ error: 'expected a positive integer' })
  .min(1, { error: 'expected a positive integer' });

const rate = z
  .number({ error: 'expected a rate in [0, 1)' })
  .min(0, { error: 'expected a rate in [0, 1)' })
  .lt(1, { error: 'expected a rate in [0, 1)' });

/** A built-in activation by name, or a user's own ({ file, ...options }; ../custom/component.ts). */
const activationChoice = z.union([activationName, componentRef], {
  error: `expected one of ${ACTIVATIONS.join(', ')}, or { file: ./your-activation.ts }`,
});

/** The model's fields with their rules and defaults; a config language composes its own from them. */
export const modelSpecSchema = z.strictObject({
  /** Features per sample (columns of x). */
  input: units,
  /** Sizes of the hidden Dense layers; empty gives a single-layer model (logistic regression). */
  hidden: z.array(units, { error: 'expected an array of layer sizes (may be empty)' }),
  /**
   * The weight layers, hidden then output, when any is a user's own: one entry per layer, 'dense'
   * (the built-in) or { file: ./your-layer.ts, ...its options }. Left out: every layer is Dense.
   * Sizes stay in `hidden` (and the output's is the data's).
   */
  layers: z
    .array(
      z.union([z.literal('dense'), componentRef], { error: "expected 'dense' or { file: ./your-layer.ts }" }),
      {
        error: "expected a list of layers ('dense' or { file: ./your-layer.ts }), hidden then output",
      },
    )
    .optional(),
  /** Hidden activations: one (a name or a user's own) for all hidden layers, or one per hidden layer. */
  activation: z
    .union([activationChoice, z.array(activationChoice)], {
      error: `expected one of ${ACTIVATIONS.join(', ')}, { file: ./your-activation.ts }, or a list of them`,
    })
    .default('relu'),
  /** Slope of leaky_relu for x < 0. */
  leakySlope: z.number({ error: 'expected a finite number' }).default(0.01),
  /** Units of the output layer (columns of y). */
  output: units,
  /** Activation of the output layer. */
  outputActivation: activationChoice.default('softmax'),
  /**
   * Loss: mse / mae on any output; bce needs a 1-unit sigmoid output; cross_entropy a softmax
   * output; or a user's own ({ file: ./your-loss.ts }).
   */
  loss: z
    .union([lossName, componentRef], {
      error: `expected one of mse, mae, bce, cross_entropy, or { file: ./your-loss.ts }`,
    })
    .default('cross_entropy'),
  /**
   * Inverted dropout after each hidden layer's activation (../layers/dropout.ts): one rate for
   * every hidden layer or one per hidden layer; 0 is none. Off at evaluation.
   */
  dropout: z
    .union([rate, z.array(rate)], { error: 'expected a rate in [0, 1) or a list of them' })
    .default(0),
  /** Batch-normalize each hidden layer's pre-activation (../layers/batch-norm.ts). */
  batchNorm: z.boolean().default(false),
  /** Weight init of every Dense layer. */
  init: initSpec.default('he_normal'),
  /** Bias init of every Dense layer. */
  biasInit: initSpec.default('zeros'),
});

/** An activation as a config names it: built in, or a user's own. */
export type ActivationChoice = ActivationName | ComponentRef;

/** A model config as written: the fields with defaults may be left out. */
export type ModelSpec = z.input<typeof modelSpecSchema>;
/** A model config with every default filled in. */
export type ResolvedModelSpec = z.output<typeof modelSpecSchema> & {
  activation: ActivationChoice | ActivationChoice[];
  outputActivation: ActivationChoice;
  loss: LossName | ComponentRef;
  dropout: number | number[];
  init: InitSpec;
  biasInit: InitSpec;
};

/** The fields whose pairing rules need no data: checkable before the output size is known. */
export type ArchitectureSpec = Pick<
  ResolvedModelSpec,
  'hidden' | 'activation' | 'outputActivation' | 'loss'
> & {
  layers?: ResolvedModelSpec['layers'];
  dropout?: number | number[];
  /** Units of the output layer, when already known. */
  output?: number;
};

/** Throws a SpecError ("model.<key>: <what>") unless spec is a valid model; returns it resolved. */
export function checkModelSpec(spec: ModelSpec): ResolvedModelSpec {
  const resolved = parseSpec('model', modelSpecSchema, spec) as ResolvedModelSpec;
  checkArchitecture(resolved);
  return resolved;
}

/**
 * The rules between fields: one activation per hidden layer, and the two fused losses on the
 * output they are fused with. Rules about the output size are skipped while it is unknown.
 */
export function checkArchitecture(spec: ArchitectureSpec): void {
  const conflict = (key: string, message: string): never => {
    throw new SpecError('model', [key], message);
  };
  const { hidden, layers, activation, dropout, outputActivation, loss, output } = spec;
  if (layers && layers.length !== hidden.length + 1) {
    conflict(
      'layers',
      `expected one entry per layer, hidden then output (${hidden.length + 1}), got ${layers.length}`,
    );
  }
  if (Array.isArray(activation) && activation.length !== hidden.length) {
    conflict('activation', `expected one name per hidden layer (${hidden.length}), got ${activation.length}`);
  }
  if (Array.isArray(dropout) && dropout.length !== hidden.length) {
    conflict('dropout', `expected one rate per hidden layer (${hidden.length}), got ${dropout.length}`);
  }
  if (outputActivation === 'softmax' && output !== undefined && output < 2) {
    conflict('output', "outputActivation 'softmax' needs at least 2 units (softmax of 1 unit is always 1)");
  }
  if (loss === 'bce' && (outputActivation !== 'sigmoid' || (output !== undefined && output !== 1))) {
    conflict(
      'loss',
      "'bce' needs output 1 with outputActivation 'sigmoid' (for classes use cross_entropy with softmax)",
    );
  }
  if (loss === 'cross_entropy' && outputActivation !== 'softmax') {
    conflict(
      'loss',
      "'cross_entropy' needs outputActivation 'softmax' (for two classes use bce with a 1-unit sigmoid)",
    );
  }
}

/** The dropout rate after hidden layer i (0: none). */
export function hiddenDropout(spec: Pick<ResolvedModelSpec, 'dropout'>, i: number): number {
  return Array.isArray(spec.dropout) ? spec.dropout[i] : spec.dropout;
}

/** The activation of hidden layer i. */
export function hiddenActivation(spec: Pick<ResolvedModelSpec, 'activation'>, i: number): ActivationChoice {
  return Array.isArray(spec.activation) ? spec.activation[i] : spec.activation;
}
