// @ablate/data: everything between a dataset on disk and the mini-batches a model trains on.
// Stands alone: no other @ablate package is imported at runtime.
export type {
  Dataset,
  DataSpec,
  PreparedData,
  RandomSource,
  SourceSpec,
  SubsetSpec,
  TargetSpec,
} from './types.ts';
export { prepareData, type PrepareOptions } from './prepare/prepare.ts';
export { dataSpecSchema, DataSpecError, SCALES, type ResolvedDataSpec } from './spec.ts';
export { Batcher, type Batch, type BatcherOptions, type GatherRows } from './batcher.ts';
export { shareData, fromShared, type SharedDataset, type SharedPreparedData } from './shared.ts';
export { parseIdx, loadIdxFolder, defaultMnistDir, IDX_PIXEL_RANGE, type IdxArray } from './sources/idx.ts';
export { uniformScaling, type UniformScaleKind } from './prepare/scaling.ts';
export { parseCsv } from './sources/csv.ts';
