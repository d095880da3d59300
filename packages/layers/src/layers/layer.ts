// The interface every weight layer of a Sequential model has: the built-in Dense and a user's own
// (../custom/component.ts). llm.c shape: outputs first, gradients named with a d prefix, backward
// accumulating (+=) into dx and into every parameter's grad.
//
// Dimension legend: see ../index.ts.
import type { Tensor } from '@ablate/tensor';
import type { Param, WeightStep } from './dense.ts';

export interface Layer {
  /** "dense0", "custom1": its parameters are named "<name>.<param>". */
  readonly name: string;
  readonly inputs: number; // I
  readonly outputs: number; // O
  /** The module of a user's layer (../custom/component.ts); absent for a built-in. */
  readonly file?: string;
  /** Trainable tensors; weights (decay: true) are drawn with the model's init, others its biasInit. */
  readonly params: Param[];
  forward(
    y: Tensor, // (B, O)
    x: Tensor, // (B, I)
  ): void;
  /**
   * Accumulates every parameter's grad, and dx unless it is null (the first layer has no use for
   * it). A layer that takes step (Dense) updates its weight from the gradient instead.
   */
  backward(
    dx: Tensor | null, // (B, I)
    dy: Tensor, // (B, O)
    x: Tensor, // (B, I), the input of the forward pass
    step?: WeightStep,
  ): void;
}
