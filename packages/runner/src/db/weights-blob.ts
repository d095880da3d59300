// Trained parameters as the weights table stores them: float32 little-endian, whatever the host, so
// a file written on one machine loads on any other.

/** Float32 values as little-endian bytes. */
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
