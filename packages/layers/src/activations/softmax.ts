// Softmax over each row, with the row maximum subtracted first so exp never overflows
// (softmax(x) = softmax(x - c) for any c). Shapes: out, x, dx, dout are (B, N).
import { kernels, type Tensor } from '@ablate/tensor';
import type { Activation } from './activation.ts';

export const softmax: Activation = {
  name: 'softmax',
  forward(out: Tensor, x: Tensor): void {
    const [B, N] = x.shape;
    kernels().softmax(out.data, x.data, B, N);
  },
  // The Jacobian is diag(s) - s s^T, so J^T g = s * (g - <g, s>): no N x N matrix needed.
  // (The output layer with cross-entropy skips this: the fused gradient is simply s - y.)
  backward(dx: Tensor, dout: Tensor, _x: Tensor, out: Tensor): void {
    const [B, N] = out.shape;
    kernels().softmaxBackward(dx.data, dout.data, out.data, B, N);
  },
};
