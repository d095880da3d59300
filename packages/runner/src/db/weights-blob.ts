// Trained parameters as the weights table stores them: float32 little-endian, whatever the host, so
// a file written on one machine loads on any other. On a little-endian host (x86, ARM as Node runs
// it) that is the arrays' own bytes, copied whole: a checkpoint of the MNIST network is 875 KB,
// written with every epoch, where a value-by-value loop took milliseconds.
import { endianness } from 'node:os';

const LITTLE_ENDIAN = endianness() === 'LE';

/** Float32 values as little-endian bytes. */
export function encodeWeights(data: Float32Array): Buffer {
  if (LITTLE_ENDIAN) return Buffer.from(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  const blob = Buffer.alloc(data.length * 4);
  for (let i = 0; i < data.length; i++) blob.writeFloatLE(data[i], i * 4);
  return blob;
}

/** The inverse of encodeWeights. */
export function decodeWeights(blob: Uint8Array): Float32Array {
  if (LITTLE_ENDIAN)
    // A copy: the blob's bytes need not be 4-aligned in its buffer.
    return new Float32Array(blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.byteLength));
  const bytes = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  const data = new Float32Array(bytes.length / 4);
  for (let i = 0; i < data.length; i++) data[i] = bytes.readFloatLE(i * 4);
  return data;
}
