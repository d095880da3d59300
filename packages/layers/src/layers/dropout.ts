// Inverted dropout: in training each unit is kept with probability 1 - p and scaled by 1 / (1 - p),
// so a unit's expected output is its input and evaluation needs no rescaling (dropout is off there).
// The mask is drawn per batch, one 32-bit draw per unit in row order, from the stream the model is
// given (the runner derives it from the run's seed), so the same run draws the same masks on any
// worker and on every kernel set (the draw is the kernel's: @ablate/tensor's dropoutMask).
//
// Dimension legend: see ../index.ts.
import { Tensor, dropout, dropoutBackward, dropoutMask, type Rng } from '@ablate/tensor';

export class Dropout {
  /** 0 for a dropped unit, 1 / (1 - p) for a kept one: the last forward pass's. */
  private mask = Tensor.zeros([0, 0]);
  private full = Tensor.zeros([0, 0]);

  constructor(
    /** The probability p of dropping a unit, in [0, 1). */
    readonly rate: number,
    private readonly rng: Rng,
  ) {}

  /** out = x mask, with a new mask drawn for x's shape. out may be x. */
  forward(
    out: Tensor, // (B, N)
    x: Tensor, // (B, N)
  ): void {
    const [B, N] = x.shape;
    if (B * N > this.full.size) this.full = Tensor.zeros([B, N]);
    if (this.mask.rows !== B || this.mask.cols !== N)
      this.mask = new Tensor(this.full.data.subarray(0, B * N), [B, N]);
    dropoutMask(this.mask, this.rate, this.rng);
    dropout(out, x, this.mask);
  }

  /** dx += dout mask, with the mask of the last forward pass. */
  backward(
    dx: Tensor, // (B, N)
    dout: Tensor, // (B, N)
  ): void {
    dropoutBackward(dx, dout, this.mask);
  }
}
