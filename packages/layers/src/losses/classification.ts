// Classification losses fused with their output activation: both read the logits z, and both
// have the gradient dL/dz = (a - y) / B, with a = sigmoid(z) or softmax(z).
import { kernels, type Tensor } from '@ablate/tensor';
import type { Loss } from './loss.ts';

/** dz += (a - y) / B: the fused gradient of sigmoid+BCE and of softmax+CE alike. */
function fusedBackward(dz: Tensor, a: Tensor, y: Tensor): void {
  kernels().fusedLossBackward(dz.data, a.data, y.data, 1 / dz.rows);
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
    return kernels().bce(z.data, y.data) / z.rows;
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
    return kernels().crossEntropy(z.data, y.data, B, O) / B;
  },
  backward: fusedBackward,
};
