// Dense (fully connected) layer: y = x W + b, batched over rows.
//
// Dimension legend: see ../index.ts.
// W is stored (I, O) so that all three products map onto the tensor core's matmul forms:
//   forward  y  = x W + b      matmulBias (B, I) (I, O), the bias added as the result is stored
//   backward db += sum_rows dy  sumRows
//            dx += dy W^T      matmulABt  (B, O) (O, I)
//            dW += x^T dy      matmulAtB  (I, B) (B, O), last: a fused step takes it instead (an update
//                              from it, or, clipping, dW = x^T dy stored with its sum of squares)
import { matmulABt, matmulAtB, matmulBias, residentZeros, sumRows, type Tensor } from '@ablate/tensor';
import type { Layer } from './layer.ts';

/** A named trainable tensor with its gradient, as the optimizers see it. */
export interface Param {
  readonly name: string;
  readonly value: Tensor;
  readonly grad: Tensor;
  /** Whether L2 weight decay applies (weights yes, biases no). */
  readonly decay: boolean;
}

/**
 * What a training step's backward pass does with dW = x^T dy instead of dW += (Optimizer.fusedStep):
 * the optimizer's update of W, computed and applied in one pass without storing dW, or, when it
 * clips, dW stored whole with its sum of squares taken in the same pass.
 */
export type WeightStep = (
  W: Param,
  x: Tensor, // (B, I)
  dy: Tensor, // (B, O)
) => void;

export class Dense implements Layer {
  readonly W: Param;
  readonly b: Param;

  constructor(
    readonly name: string,
    readonly inputs: number, // I
    readonly outputs: number, // O
  ) {
    this.W = {
      name: `${name}.W`,
      value: residentZeros([inputs, outputs]),
      grad: residentZeros([inputs, outputs]),
      decay: true,
    };
    this.b = {
      name: `${name}.b`,
      value: residentZeros([outputs]),
      grad: residentZeros([outputs]),
      decay: false,
    };
  }

  get params(): Param[] {
    return [this.W, this.b];
  }

  forward(
    y: Tensor, // (B, O)
    x: Tensor, // (B, I)
  ): void {
    matmulBias(y, x, this.W.value, this.b.value);
  }

  /**
   * Accumulates db and dW; dx too unless it is null (the first layer has no use for it). Given a
   * step, the step takes dW instead (an update of W comes after dx has used the old W).
   */
  backward(
    dx: Tensor | null, // (B, I)
    dy: Tensor, // (B, O)
    x: Tensor, // (B, I), the input of the forward pass
    step?: WeightStep,
  ): void {
    sumRows(this.b.grad, dy, true);
    if (dx) matmulABt(dx, dy, this.W.value, true);
    if (step) step(this.W, x, dy);
    else matmulAtB(this.W.grad, x, dy, true);
  }
}
