// The activation interface and the table from names to implementations.
//
// Dimension legend: see ../index.ts. Forward writes out = f(x); backward accumulates
// dx += J_f(x)^T dout, given both the input x and the output out of the forward pass (each
// activation's derivative is cheapest from one or the other: sigmoid' = s (1 - s) from out,
// swish' from x).
import type { Tensor } from '@ablate/tensor';
import { z } from 'zod';
import { leakyRelu, linear, relu, sigmoid, swish, tanh } from './pointwise.ts';
import { softmax } from './softmax.ts';

/** Every activation by name: the one list, for configs, schemas and messages. */
export const ACTIVATIONS = ['sigmoid', 'tanh', 'relu', 'leaky_relu', 'linear', 'softmax', 'swish'] as const;
export type ActivationName = (typeof ACTIVATIONS)[number];
export const activationName = z.enum(ACTIVATIONS, { error: `expected one of ${ACTIVATIONS.join(', ')}` });

export interface Activation {
  /** Its name in a config, or for a user's own, its place in the model ("activation0"). */
  readonly name: string;
  /** The module of a user's activation (../custom/component.ts); absent for a built-in. */
  readonly file?: string;
  forward(
    out: Tensor, // (B, N)
    x: Tensor, // (B, N)
  ): void;
  backward(
    dx: Tensor, // (B, N)
    dout: Tensor, // (B, N)
    x: Tensor, // (B, N)
    out: Tensor, // (B, N)
  ): void;
}

/** The activation called name; leakySlope is read by leaky_relu only. */
export function activation(name: ActivationName, leakySlope: number): Activation {
  switch (name) {
    case 'sigmoid':
      return sigmoid;
    case 'tanh':
      return tanh;
    case 'relu':
      return relu;
    case 'leaky_relu':
      return leakyRelu(leakySlope);
    case 'linear':
      return linear;
    case 'softmax':
      return softmax;
    case 'swish':
      return swish;
  }
}
