// How a drawing becomes a run's network input, for the digit page: the run's data.scale, one affine
// map per pixel x' = (x - offset) * factor as @ablate/data fits it (prepare/scaling.ts). An MNIST
// pixel is a byte, a fixed range, so the maps that need only the range are known without the
// training set; zscore needs the training set's per-pixel mean and std, which are not stored with
// a run. Keyed by the config's scale type, so a scaling added to the data package is a type error
// here until the page can apply it (or says why not).
import type { RunConfig } from '@ablate/runner';

type ScaleKind = RunConfig['data']['scale'];

/** An IDX image's byte range, as the data package's IDX source gives it. */
const BYTE_RANGE = 255;

export type InputScaling =
  { scale: ScaleKind; offset: number; factor: number } | { scale: ScaleKind; refused: string };

const SCALINGS: Record<ScaleKind, { offset: number; factor: number } | { refused: string }> = {
  none: { offset: 0, factor: 1 },
  unit: { offset: 0, factor: 1 / BYTE_RANGE },
  mean_shift: { offset: BYTE_RANGE / 2, factor: 1 / BYTE_RANGE },
  zscore: {
    refused:
      "data.scale zscore needs the training set's per-pixel mean and std, which are not stored with the run",
  },
};

/** The input map of an MNIST run's pixels; null for a run trained on other data. */
export function inputScaling(config: RunConfig): InputScaling | null {
  if (config.data.source.kind !== 'mnist') return null;
  return { scale: config.data.scale, ...SCALINGS[config.data.scale] };
}
