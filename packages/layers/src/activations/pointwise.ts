// Elementwise activations, each with its derivative beside it. Plain loops over the raw buffers
// (or tensor kernels): they run on every hidden unit of every sample, so no per-element closures.
// Shapes: out, x, dx, dout are all (B, N) (see activation.ts).
import { kernels, relu as reluForward, reluBackward, type Tensor } from '@ablate/tensor';
import type { Activation } from './activation.ts';

/** Logistic function, split at 0 so exp never overflows: for x < 0, e^x / (1 + e^x). */
function sigmoidOf(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** sigmoid(x) = 1 / (1 + e^-x);  sigmoid' = s (1 - s), read from the output. */
export const sigmoid: Activation = {
  name: 'sigmoid',
  forward(out: Tensor, x: Tensor): void {
    kernels().sigmoid(out.data, x.data);
  },
  backward(dx: Tensor, dout: Tensor, _x: Tensor, out: Tensor): void {
    kernels().sigmoidBackward(dx.data, dout.data, out.data);
  },
};

/** tanh(x);  tanh' = 1 - t^2, read from the output. */
export const tanh: Activation = {
  name: 'tanh',
  forward(out: Tensor, x: Tensor): void {
    kernels().tanh(out.data, x.data);
  },
  backward(dx: Tensor, dout: Tensor, _x: Tensor, out: Tensor): void {
    kernels().tanhBackward(dx.data, dout.data, out.data);
  },
};

/**
 * relu(x) = max(0, x);  relu' = 1 for x > 0, else 0 (0 at the kink, as in every framework), read
 * from the output (a > 0 just where x > 0). Tensor kernels (C or WebAssembly SIMD in the optimized
 * kernel sets): as scalar JS either loop costs a few ns per hidden unit (a mispredicted branch on
 * half of them).
 */
export const relu: Activation = {
  name: 'relu',
  forward(out: Tensor, x: Tensor): void {
    reluForward(out, x);
  },
  backward(dx: Tensor, dout: Tensor, _x: Tensor, out: Tensor): void {
    reluBackward(dx, dout, out);
  },
};

/** leaky_relu(x) = x for x > 0, else slope x;  derivative 1 or slope. */
export function leakyRelu(slope: number): Activation {
  return {
    name: 'leaky_relu',
    forward(out: Tensor, x: Tensor): void {
      const o = out.data;
      const xd = x.data;
      for (let i = 0; i < xd.length; i++) o[i] = xd[i] > 0 ? xd[i] : slope * xd[i];
    },
    backward(dx: Tensor, dout: Tensor, x: Tensor): void {
      const d = dx.data;
      const g = dout.data;
      const xd = x.data;
      for (let i = 0; i < d.length; i++) d[i] += xd[i] > 0 ? g[i] : slope * g[i];
    },
  };
}

/** linear(x) = x;  derivative 1 (a regression output, or a deliberately linear hidden layer). */
export const linear: Activation = {
  name: 'linear',
  forward(out: Tensor, x: Tensor): void {
    out.data.set(x.data);
  },
  backward(dx: Tensor, dout: Tensor): void {
    const d = dx.data;
    const g = dout.data;
    for (let i = 0; i < d.length; i++) d[i] += g[i];
  },
};

/** swish(x) = x sigmoid(x);  swish' = s + x s (1 - s), with s recomputed from x. */
export const swish: Activation = {
  name: 'swish',
  forward(out: Tensor, x: Tensor): void {
    const o = out.data;
    const xd = x.data;
    for (let i = 0; i < xd.length; i++) o[i] = xd[i] * sigmoidOf(xd[i]);
  },
  backward(dx: Tensor, dout: Tensor, x: Tensor): void {
    const d = dx.data;
    const g = dout.data;
    const xd = x.data;
    for (let i = 0; i < d.length; i++) {
      const s = sigmoidOf(xd[i]);
      d[i] += g[i] * s * (1 + xd[i] * (1 - s));
    }
  },
};
