// Regression losses on the output activations, averaged over all B x O elements (as Keras and
// PyTorch do; with one output this is the lessons' (1/n) sum (y - y_hat)^2). They run on the
// output layer only (B x O values), so a function call per element costs nothing measurable.
import type { Tensor } from '@ablate/tensor';
import type { Loss } from './loss.ts';

/** A loss that is the mean of f(a - y) over all elements, with gradient f'(a - y) / (B O). */
function elementwise(name: 'mse' | 'mae', f: (d: number) => number, df: (d: number) => number): Loss {
  return {
    name,
    fused: false,
    forward(a: Tensor, y: Tensor): number {
      const ad = a.data;
      const yd = y.data;
      let sum = 0;
      for (let i = 0; i < ad.length; i++) sum += f(ad[i] - yd[i]);
      return sum / ad.length;
    },
    backward(da: Tensor, a: Tensor, y: Tensor): void {
      const d = da.data;
      const ad = a.data;
      const yd = y.data;
      for (let i = 0; i < d.length; i++) d[i] += df(ad[i] - yd[i]) / ad.length;
    },
  };
}

/** MSE = mean (a - y)^2;  dL/da = 2 (a - y) / (B O). */
export const mse = elementwise(
  'mse',
  (d) => d * d,
  (d) => 2 * d,
);

/** MAE = mean |a - y|;  dL/da = sign(a - y) / (B O), 0 where a = y (a subgradient). */
export const mae = elementwise('mae', Math.abs, Math.sign);
