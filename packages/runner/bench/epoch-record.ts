// The epoch both store benchmarks commit: its metrics, 3 layers' statistics (and, with epoch 1, the
// untrained model's), and a checkpoint when given one.
import type { Checkpoint, EpochRecord } from '../src/db/index.ts';

const layers = [0, 1, 2].map((layer) => ({
  layer,
  name: `dense${layer}`,
  act_mean: 0.1,
  act_std: 1,
  grad_mean: 0,
  grad_std: 0.01,
  update_ratio: 1e-3,
  dead_fraction: null,
}));

export function benchEpoch(epoch: number, checkpoint?: Checkpoint): EpochRecord {
  return {
    epoch,
    train_loss: 1 / epoch,
    train_acc: 0.9,
    val_loss: 1 / epoch,
    val_acc: 0.9,
    lr: 0.1,
    seconds: 2,
    layers,
    ...(epoch === 1 && { initialLayers: layers }),
    ...(checkpoint && { checkpoint }),
  };
}
