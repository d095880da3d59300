// Gradient checks of a model's components on a batch: each weight layer, activation and the loss,
// at the inputs the model gives it there (./gradient-check.ts says how and to what precision).
import { Rng, type Tensor } from '@ablate/tensor';
import type { Sequential } from '../model/sequential.ts';
import { ComponentFault, componentRefs, isComponentRef } from './component.ts';
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
  const { spec } = model;
  const refs = componentRefs(spec);
  const fileAt = (...path: (string | number)[]) =>
    refs.find((r) => r.path.length === path.length && r.path.every((k, i) => k === path[i]))?.ref.file ??
    null;
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
  const hidden = spec.hidden.length;
  model.layers.forEach((layer, l) => {
    add(fileAt('layers', l), () => checkLayer(layer, inputs.layers[l], rng));
  });
  model.activations.forEach((act, l) => {
    const file =
      l === hidden
        ? fileAt('outputActivation')
        : Array.isArray(spec.activation)
          ? fileAt('activation', l)
          : fileAt('activation');
    const name = file === null ? `${act.name} (layer ${l})` : act.name;
    add(file, () => checkActivation(name, act, inputs.activations[l], rng));
  });
  const lossFile = isComponentRef(spec.loss) ? spec.loss.file : null;
  const loss = model.loss;
  const p = loss.fused ? inputs.logits : inputs.output;
  add(lossFile, () =>
    checkLoss(lossFile === null ? `loss (${loss.name})` : loss.name, loss, p, inputs.output, y, rng),
  );
  return rows;
}
