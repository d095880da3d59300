// The loss interface and the table from names to implementations.
//
// Dimension legend: see ../index.ts. Every loss returns the mean over the batch and its backward
// accumulates the gradient of that mean.
//
// Two kinds. mse and mae read the output activations a, and the model chains their gradient
// through the output activation. bce and cross_entropy are fused with their activation (sigmoid,
// softmax): they read the logits z, so the loss is computed stably (log-sum-exp, no log(0)), and
// their backward writes dL/dz = (a - y) / B directly, the textbook simplification.
import type { Tensor } from '@ablate/tensor';
import { z } from 'zod';
import { bce, crossEntropy } from './classification.ts';
import { mae, mse } from './regression.ts';

/** Every loss by name: the one list, for configs, schemas and messages. */
export const LOSSES = ['mse', 'mae', 'bce', 'cross_entropy'] as const;
export type LossName = (typeof LOSSES)[number];
export const lossName = z.enum(LOSSES, { error: `expected one of ${LOSSES.join(', ')}` });

export interface Loss {
  /** Its name in a config; for a user's own, "loss". */
  readonly name: string;
  /** The module of a user's loss (../custom/component.ts); absent for a built-in. */
  readonly file?: string;
  /** True when the loss reads logits and its gradient is taken with respect to them. */
  readonly fused: boolean;
  /** Mean loss of the batch; p is the logits z if fused, else the output activations a. */
  forward(
    p: Tensor, // (B, O)
    y: Tensor, // (B, O) targets
  ): number;
  /** dp += dL/dp, where p is as in forward; a is the output activations either way. */
  backward(
    dp: Tensor, // (B, O)
    a: Tensor, // (B, O)
    y: Tensor, // (B, O)
  ): void;
}

export function loss(name: LossName): Loss {
  switch (name) {
    case 'mse':
      return mse;
    case 'mae':
      return mae;
    case 'bce':
      return bce;
    case 'cross_entropy':
      return crossEntropy;
  }
}
