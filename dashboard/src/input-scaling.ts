// How a drawing becomes a run's network input, for the digit page: the run's data.scale, one affine
// map per pixel x' = (x - offset) * factor as @ablate/data fits it. An MNIST pixel is a byte, a
// fixed range, so the maps that need only the range are known without the training set; zscore
// needs the training set's per-pixel mean and std, which are not stored with a run.
import { IDX_PIXEL_RANGE, uniformScaling } from '@ablate/data';
import type { RunConfig } from '@ablate/runner';

type ScaleKind = RunConfig['data']['scale'];

export type InputScaling =
  { scale: ScaleKind; offset: number; factor: number } | { scale: ScaleKind; refused: string };

/** The input map of an MNIST run's pixels; null for a run trained on other data. */
export function inputScaling(config: RunConfig): InputScaling | null {
  if (config.data.source.kind !== 'mnist') return null;
  const { scale } = config.data;
  if (scale === 'zscore')
    return {
      scale,
      refused:
        "data.scale zscore needs the training set's per-pixel mean and std, which are not stored with the run",
    };
  return { scale, ...uniformScaling(scale, IDX_PIXEL_RANGE) };
}
