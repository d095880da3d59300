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
export { prepareData, describeData, type DataShape, type PrepareOptions } from './prepare/prepare.ts';
export { Batcher, type Batch, type BatcherOptions } from './batcher.ts';
export { shareData, fromShared, type SharedDataset, type SharedPreparedData } from './shared.ts';
export { parseIdx, loadIdxFolder, defaultMnistDir, type IdxArray } from './sources/idx.ts';
export { parseCsv } from './sources/csv.ts';
