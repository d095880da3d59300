// A finished run's parameters in the weights table (float32 little-endian, whatever the host), and
// the way back from that row to a working model.
import type { Sequential } from '@ablate/layers';
import type { RunConfig } from '../config/types.ts';
import type { Database, RunRow, WeightsRow } from '../db/schema.ts';
import { buildModel } from './spec.ts';

/** A model's parameters, flattened in the order of `shapes` (W then b per layer). */
export interface ExportedWeights {
  shapes: { name: string; shape: number[] }[];
  data: Float32Array;
}

/** Float32 values as the weights BLOB stores them: little-endian whatever the host. */
export function encodeWeights(data: Float32Array): Buffer {
  const blob = Buffer.alloc(data.length * 4);
  for (let i = 0; i < data.length; i++) blob.writeFloatLE(data[i], i * 4);
  return blob;
}

/** The inverse of encodeWeights. */
export function decodeWeights(blob: Uint8Array): Float32Array {
  const bytes = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  const data = new Float32Array(bytes.length / 4);
  for (let i = 0; i < data.length; i++) data[i] = bytes.readFloatLE(i * 4);
  return data;
}

/** Rebuilds the trained model of a finished run from its config and stored weights. */
export async function loadRunModel(db: Database, runId: string): Promise<Sequential> {
  const run = await db.get<Pick<RunRow, 'config_json'>>('SELECT config_json FROM runs WHERE id = ?', [runId]);
  if (!run) throw new Error(`run ${runId} is not in ${db.path}`);
  const row = await db.get<WeightsRow>('SELECT shapes_json, data FROM weights WHERE run_id = ?', [runId]);
  if (!row) throw new Error(`run ${runId} has no stored weights (only finished runs do)`);
  const config = JSON.parse(run.config_json) as RunConfig;
  const shapes = JSON.parse(row.shapes_json) as ExportedWeights['shapes'];
  // Parameters come W then b per layer, so the first shape is (input, units) and the last (output).
  const input = shapes[0].shape[0];
  const output = shapes[shapes.length - 1].shape[0];
  // The initial weights are overwritten at once.
  const model = buildModel(config, input, output);
  model.importWeights({ shapes, data: decodeWeights(row.data) });
  return model;
}
