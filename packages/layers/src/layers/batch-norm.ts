// Batch normalization of a hidden layer's pre-activation z (Ioffe and Szegedy, 2015): each unit
// normalized over the batch, then scaled and shifted by learned gamma and beta,
//   y = gamma (z - mean) / sqrt(var + eps) + beta.
// It sits between the Dense layer and the activation, as in the paper: what the activation sees
// (where sigmoid and tanh saturate, where relu cuts) is what it keeps in range, whatever the init.
// Training normalizes with the batch's statistics and keeps running averages of them (momentum
// 0.1, the variance unbiased: PyTorch's choices); evaluation normalizes with the running averages.
// gamma and beta take the optimizer like any parameter but no weight decay (as biases: decaying
// gamma would pull every unit's scale towards 0, against what the normalization restores).
//
// Dimension legend: see ../index.ts.
import { Tensor, batchNorm, batchNormApply, batchNormBackward, residentZeros } from '@ablate/tensor';
import type { Param } from './dense.ts';

/** Added to the variance before its square root (PyTorch's default). */
export const BATCH_NORM_EPS = 1e-5;
/** The weight of a batch's statistics in the running averages (PyTorch's default). */
export const BATCH_NORM_MOMENTUM = 0.1;

export class BatchNorm {
  readonly gamma: Param;
  readonly beta: Param;
  /** The running averages evaluation normalizes with: saved with the weights, not trained. */
  readonly runningMean: Tensor;
  readonly runningVar: Tensor;
  // The last training batch's statistics, for backward; evaluation's 1 / sqrt(var + eps).
  private readonly mean: Tensor;
  private readonly rstd: Tensor;
  private readonly runningRstd: Tensor;

  constructor(
    readonly name: string,
    readonly units: number, // N
  ) {
    const param = (field: string, fill: number, decay: boolean): Param => {
      const value = residentZeros([units]);
      value.data.fill(fill);
      return { name: `${name}.${field}`, value, grad: residentZeros([units]), decay };
    };
    this.gamma = param('gamma', 1, false);
    this.beta = param('beta', 0, false);
    this.runningMean = Tensor.zeros([units]);
    this.runningVar = Tensor.from(new Array<number>(units).fill(1), [units]);
    this.mean = Tensor.zeros([units]);
    this.rstd = Tensor.zeros([units]);
    this.runningRstd = Tensor.zeros([units]);
  }

  get params(): Param[] {
    return [this.gamma, this.beta];
  }

  /** What is saved with the weights besides the params: the running statistics. */
  get buffers(): Array<{ name: string; value: Tensor }> {
    return [
      { name: `${this.name}.runningMean`, value: this.runningMean },
      { name: `${this.name}.runningVar`, value: this.runningVar },
    ];
  }

  /**
   * y from the batch's statistics (kept for backward); with `update`, the running averages take
   * them in (a training step does, a probe of the gradients does not).
   */
  forward(
    y: Tensor, // (B, N)
    z: Tensor, // (B, N)
    update: boolean,
  ): void {
    batchNorm(y, this.mean, this.rstd, z, this.gamma.value, this.beta.value, BATCH_NORM_EPS);
    if (!update) return;
    const B = z.rows;
    const m = BATCH_NORM_MOMENTUM;
    for (let j = 0; j < this.units; j++) {
      // The batch variance from rstd, made unbiased (B >= 2: a batch of 1 has no variance).
      const variance = (1 / (this.rstd.data[j] * this.rstd.data[j]) - BATCH_NORM_EPS) * (B / (B - 1));
      this.runningMean.data[j] = (1 - m) * this.runningMean.data[j] + m * this.mean.data[j];
      this.runningVar.data[j] = (1 - m) * this.runningVar.data[j] + m * variance;
    }
  }

  /** y from the running statistics: evaluation. */
  evaluate(
    y: Tensor, // (B, N)
    z: Tensor, // (B, N)
  ): void {
    const rv = this.runningVar.data;
    for (let j = 0; j < this.units; j++) this.runningRstd.data[j] = 1 / Math.sqrt(rv[j] + BATCH_NORM_EPS);
    batchNormApply(y, z, this.runningMean, this.runningRstd, this.gamma.value, this.beta.value);
  }

  /** dz, dgamma, dbeta += the gradients, through the last forward pass's batch statistics. */
  backward(
    dz: Tensor, // (B, N)
    dy: Tensor, // (B, N)
    z: Tensor, // (B, N), the input of the forward pass
  ): void {
    batchNormBackward(dz, this.gamma.grad, this.beta.grad, dy, z, this.mean, this.rstd, this.gamma.value);
  }
}
