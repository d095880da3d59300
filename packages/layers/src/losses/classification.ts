// Classification losses fused with their output activation: both read the logits z, and both
// have the gradient dL/dz = (a - y) / B, with a = sigmoid(z) or softmax(z).
import type { Tensor } from '@ablate/tensor';
import type { Loss } from './loss.ts';

/** dz += (a - y) / B: the fused gradient of sigmoid+BCE and of softmax+CE alike. */
function fusedBackward(dz: Tensor, a: Tensor, y: Tensor): void {
  const d = dz.data;
  const ad = a.data;
  const yd = y.data;
  const k = 1 / dz.rows;
  for (let i = 0; i < d.length; i++) d[i] += k * (ad[i] - yd[i]);
}

/**
 * BCE = -mean [y log s + (1 - y) log(1 - s)], s = sigmoid(z), written in terms of z as
 * max(z, 0) - z y + log(1 + e^-|z|): no log(0), no overflow, exact for confident outputs.
 * Summed over units and averaged over the batch, like CE (O = 1 anyway: bce is only paired
 * with a 1-unit sigmoid).
 */
export const bce: Loss = {
  name: 'bce',
  fused: true,
  forward(z: Tensor, y: Tensor): number {
    const zd = z.data;
    const yd = y.data;
    let sum = 0;
    for (let i = 0; i < zd.length; i++)
      sum += Math.max(zd[i], 0) - zd[i] * yd[i] + Math.log1p(Math.exp(-Math.abs(zd[i])));
    return sum / z.rows;
  },
  backward: fusedBackward,
};

/**
 * CE = -(1/B) sum_b sum_j y_bj log softmax(z_b)_j, with log softmax(z)_j = z_j - lse(z) and
 * lse(z) = m + log sum_j e^(z_j - m), m = max_j z_j (log-sum-exp: no overflow, no log(0)).
 */
export const crossEntropy: Loss = {
  name: 'cross_entropy',
  fused: true,
  forward(z: Tensor, y: Tensor): number {
    const [B, O] = z.shape;
    const zd = z.data;
    const yd = y.data;
    let sum = 0;
    for (let b = 0; b < B; b++) {
      const row = b * O;
      let m = -Infinity;
      for (let j = 0; j < O; j++) if (zd[row + j] > m) m = zd[row + j];
      let s = 0;
      for (let j = 0; j < O; j++) s += Math.exp(zd[row + j] - m);
      const lse = m + Math.log(s);
      for (let j = 0; j < O; j++) if (yd[row + j] !== 0) sum += yd[row + j] * (lse - zd[row + j]);
    }
    return sum / B;
  },
  backward: fusedBackward,
};
