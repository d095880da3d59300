// Softmax over each row, with the row maximum subtracted first so exp never overflows
// (softmax(x) = softmax(x - c) for any c). Shapes: out, x, dx, dout are (B, N).
import type { Tensor } from '@ablate/tensor';
import type { Activation } from './activation.ts';

export const softmax: Activation = {
  name: 'softmax',
  forward(out: Tensor, x: Tensor): void {
    const [B, N] = x.shape;
    const o = out.data;
    const xd = x.data;
    for (let b = 0; b < B; b++) {
      const row = b * N;
      let max = -Infinity;
      for (let j = 0; j < N; j++) if (xd[row + j] > max) max = xd[row + j];
      let sum = 0;
      for (let j = 0; j < N; j++) {
        const e = Math.exp(xd[row + j] - max);
        o[row + j] = e;
        sum += e;
      }
      for (let j = 0; j < N; j++) o[row + j] /= sum;
    }
  },
  // The Jacobian is diag(s) - s s^T, so J^T g = s * (g - <g, s>): no N x N matrix needed.
  // (The output layer with cross-entropy skips this: the fused gradient is simply s - y.)
  backward(dx: Tensor, dout: Tensor, _x: Tensor, out: Tensor): void {
    const [B, N] = out.shape;
    const d = dx.data;
    const g = dout.data;
    const s = out.data;
    for (let b = 0; b < B; b++) {
      const row = b * N;
      let dot = 0;
      for (let j = 0; j < N; j++) dot += g[row + j] * s[row + j];
      for (let j = 0; j < N; j++) d[row + j] += s[row + j] * (g[row + j] - dot);
    }
  },
};
