// The activation interface and the table from names to implementations.
//
// Dimension legend: B = batch, N = units. Forward writes out = f(x); backward accumulates
// dx += J_f(x)^T dout, given both the input x and the output out of the forward pass (each
// activation's derivative is cheapest from one or the other: sigmoid' = s (1 - s) from out,
// swish' from x).
import type { Tensor } from '@ablate/tensor';
import type { ActivationName } from '../model/spec.ts';
import { leakyRelu, linear, relu, sigmoid, swish, tanh } from './pointwise.ts';
import { softmax } from './softmax.ts';

export interface Activation {
  readonly name: ActivationName;
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

export function activation(name: ActivationName, leakySlope = 0.01): Activation {
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
