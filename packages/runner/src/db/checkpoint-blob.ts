// A checkpoint as the checkpoints table stores it: its structure as JSON (state_json), every float32
// array in it (weights, optimizer slots, the best epoch's weights) taken out and concatenated into
// one little-endian blob (data, as the weights table stores weights), each replaced in the JSON by
// its place there. JSON keeps every other number exactly: the streams' 32-bit words, the step count,
// the metric values (a double's shortest form reads back as the same double).
import type { Checkpoint } from './records.ts';
import { decodeWeights, encodeWeights } from './weights-blob.ts';

/** Where an array went: { [ARRAY]: [offset, length] } in float32 values. */
const ARRAY = '$f32';

export interface CheckpointRow {
  epoch: number;
  kernels: string;
  state_json: string;
  data: Uint8Array;
}

export function encodeCheckpoint(checkpoint: Checkpoint): CheckpointRow {
  const arrays: Float32Array[] = [];
  let length = 0;
  const { epoch, kernels, continuedFrom: _from, ...state } = checkpoint;
  const stateJson = JSON.stringify(state, (_key, value: unknown) => {
    if (!(value instanceof Float32Array)) return value;
    arrays.push(value);
    length += value.length;
    return { [ARRAY]: [length - value.length, value.length] };
  });
  const all = new Float32Array(length);
  let offset = 0;
  for (const array of arrays) {
    all.set(array, offset);
    offset += array.length;
  }
  return { epoch, kernels, state_json: stateJson, data: encodeWeights(all) };
}

export function decodeCheckpoint(row: CheckpointRow): Checkpoint {
  const all = decodeWeights(row.data);
  const state = JSON.parse(row.state_json, (_key, value: unknown) => {
    const place = (value as Record<string, [number, number]> | null)?.[ARRAY];
    return place ? all.slice(place[0], place[0] + place[1]) : value;
  }) as Omit<Checkpoint, 'epoch' | 'kernels'>;
  return { ...state, epoch: row.epoch, kernels: row.kernels };
}
