// Dense (fully connected) layer: y = x W + b, batched over rows.
//
// Dimension legend: B = batch, I = in features, O = out features.
// W is stored (I, O) so that all three products map onto the tensor core's matmul forms:
//   forward  y  = x W + b      matmulBias (B, I) (I, O), the bias added as the result is stored
//   backward dW += x^T dy      matmulAtB  (I, B) (B, O)
//            db += sum_rows dy  sumRows
//            dx += dy W^T      matmulABt  (B, O) (O, I)
import { Tensor, matmulABt, matmulAtB, matmulBias, sumRows } from '@ablate/tensor';

/** A named trainable tensor with its gradient, as the optimizers see it. */
export interface Param {
  readonly name: string;
  readonly value: Tensor;
  readonly grad: Tensor;
  /** Whether L2 weight decay applies (weights yes, biases no). */
  readonly decay: boolean;
}

export class Dense {
  readonly W: Param;
  readonly b: Param;

  constructor(
    readonly name: string,
    readonly inputs: number, // I
    readonly outputs: number, // O
  ) {
    this.W = {
      name: `${name}.W`,
      value: Tensor.zeros([inputs, outputs]),
      grad: Tensor.zeros([inputs, outputs]),
      decay: true,
    };
    this.b = {
      name: `${name}.b`,
      value: Tensor.zeros([outputs]),
      grad: Tensor.zeros([outputs]),
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

  /** Accumulates dW and db; dx too unless it is null (the first layer has no use for it). */
  backward(
    dx: Tensor | null, // (B, I)
    dy: Tensor, // (B, O)
    x: Tensor, // (B, I), the input of the forward pass
  ): void {
    matmulAtB(this.W.grad, x, dy, true);
    sumRows(this.b.grad, dy, true);
    if (dx) matmulABt(dx, dy, this.W.value, true);
  }
}
