// Gradient checks of a model's components on a batch: each weight layer, activation and the loss,
// at the inputs the model gives it there (./gradient-check.ts says how and to what precision).
import { Rng, type Tensor } from '@ablate/tensor';
import type { Sequential } from '../model/sequential.ts';
import { ComponentFault } from './component.ts';
import { checkActivation, checkLayer, checkLoss, type GradientCheckRow } from './gradient-check.ts';

/** A row of a model's check, with the file of the component when it is a user's own. */
export interface ModelCheckRow extends GradientCheckRow {
  /** The module's file as the config names it; null for a built-in. */
  file: string | null;
}

/**
 * Checks every component of `model` (only the users' own with onlyCustom) on the batch (x, y);
 * the entries compared and the projections are drawn from a stream of `seed`. Throws a
 * ComponentFault (with the component's file) for a component whose forward or backward throws or
 * gives non-finite values.
 */
export function checkModel(
  model: Sequential,
  x: Tensor, // (B, I)
  y: Tensor, // (B, O)
  seed: number,
  onlyCustom = false,
): ModelCheckRow[] {
  const inputs = model.componentInputs(x);
  const rng = Rng.derive(seed, 'gradient-check');
  const rows: ModelCheckRow[] = [];
  const add = (file: string | null, check: () => GradientCheckRow[]) => {
    if (onlyCustom && file === null) return;
    try {
      rows.push(...check().map((row) => ({ ...row, file })));
    } catch (error) {
      if (error instanceof ComponentFault) error.file ??= file;
      throw error;
    }
  };
  model.layers.forEach((layer, l) => add(layer.file ?? null, () => checkLayer(layer, inputs.layers[l], rng)));
  model.activations.forEach((act, l) => {
    const name = act.file === undefined ? `${act.name} (layer ${l})` : act.name;
    add(act.file ?? null, () => checkActivation(name, act, inputs.activations[l], rng));
  });
  const { loss } = model;
  const p = loss.fused ? inputs.logits : inputs.output;
  const name = loss.file === undefined ? `loss (${loss.name})` : loss.name;
  add(loss.file ?? null, () => checkLoss(name, loss, p, inputs.output, y, rng));
  return rows;
}
