// The way back from a finished run's stored weights to a working model. Storing and encoding them is
// the results store's concern (db/); building the model from a run config is model/'s.
import type { Sequential } from '@ablate/layers';
import type { RunConfig } from '../config/types.ts';
import type { ResultsReader } from '../db/index.ts';
import { buildModel } from './build-model.ts';

/** Rebuilds the trained model of a finished run from its config and stored weights. */
export async function loadRunModel(store: ResultsReader, runId: string): Promise<Sequential> {
  const run = await store.run(runId);
  if (!run) throw new Error(`run ${runId} is not in the results store`);
  const weights = await store.loadWeights(runId);
  if (!weights) throw new Error(`run ${runId} has no stored weights (only finished runs do)`);
  // The Dense layers' parameters come first, W then b per layer: the first shape is (input, units),
  // the last layer's b (output); batch norm's parameters and statistics follow them.
  const config = run.config as RunConfig;
  const input = weights.shapes[0].shape[0];
  const output = weights.shapes[2 * (config.model.hidden.length + 1) - 1].shape[0];
  // The initial weights are overwritten at once.
  const model = buildModel(config, input, output);
  model.importWeights(weights);
  return model;
}
