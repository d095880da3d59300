// A fully connected layer written by hand, as a user writes their own layer for Ablate: y = x W + b.
// The sweep file names it (model.layers: [{ file: ./my-dense.ts }, dense]); `ablate check` compares
// its backward with central differences of its forward before any run trains.
//
// The interface (Ablate's llm.c shape): a function `layer` gets the layer's sizes and the sweep
// entry's own fields (options), and returns its parameters and two methods. Outputs come first,
// gradients have a `d` prefix, and backward ADDS (+=) to dx and to every parameter's grad (Ablate
// zeroes them before each step). Shapes: B rows (the batch), I inputs, O outputs.
import { matmulABt, matmulAtB, matmulBias, residentZeros, sumRows, type Tensor } from '@ablate/tensor';
import type { ComponentShape, UserLayer } from '@ablate/layers';

export function layer({ inputs, outputs }: ComponentShape): UserLayer {
  // residentZeros: like Tensor.zeros, but in the wasm kernels' own memory when they are active.
  // Ablate draws the values: decay: true with train.init, the others with train.biasInit.
  const W = {
    name: 'W',
    value: residentZeros([inputs!, outputs!]),
    grad: residentZeros([inputs!, outputs!]),
    decay: true,
  };
  const b = { name: 'b', value: residentZeros([outputs!]), grad: residentZeros([outputs!]), decay: false };
  return {
    params: [W, b],
    forward(
      y: Tensor, // (B, O)
      x: Tensor, // (B, I)
    ) {
      matmulBias(y, x, W.value, b.value); // y = x W + b
    },
    backward(
      dx: Tensor | null, // (B, I); null for the first layer
      dy: Tensor, // (B, O)
      x: Tensor, // (B, I), the forward's input
    ) {
      sumRows(b.grad, dy, true); // db += sum over rows of dy
      matmulAtB(W.grad, x, dy, true); // dW += x^T dy
      if (dx) matmulABt(dx, dy, W.value, true); // dx += dy W^T
    },
  };
}
