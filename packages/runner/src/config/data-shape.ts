// The sizes a run's data will have (input features, output units, training samples), worked out
// cheaply from the data spec at load time (file headers and label columns, never the images), so a
// batch size larger than the training set or a model that doesn't fit the data is refused before
// anything runs. The numbers follow @ablate/data's prepareData: subset the pool, then carve validation.
import { closeSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
import path from 'node:path';
import { constants, gunzipSync } from 'node:zlib';
import { defaultMnistDir, type DataSpec } from '@ablate/data';
import { RunIssue } from './errors.ts';

type Source = DataSpec['source'];

/** What a source offers before subsetting: the training pool's labels (null when seeded) and shapes. */
interface Pool {
  size: number;
  /** The training pool's labels, for perClass subsets; null when the pool is a seeded draw. */
  labels: Int32Array | null;
  features: number;
  classes: number;
  testSize: number;
}

export interface DataShape {
  input: number;
  output: number;
  /** Training samples after subset and validation. */
  train: number;
  /** Validation and test samples, for the time estimate. */
  validation: number;
  test: number;
}

const pools = new Map<string, Pool>();

export function dataShape(spec: DataSpec): DataShape {
  const key = JSON.stringify(spec.source);
  let pool = pools.get(key);
  if (!pool) pools.set(key, (pool = readPool(spec.source)));
  const subsetSize = spec.subset ? subsetCount(pool, spec.subset, 'data.subset') : pool.size;
  const validation = spec.validation ?? 0;
  const held = validation > 0 && validation < 1 ? Math.round(validation * subsetSize) : validation;
  if (held >= subsetSize || (validation > 0 && held < 1)) {
    throw new RunIssue('data.validation', `${validation} leaves no training samples out of ${subsetSize}`);
  }
  const test = spec.testSubset
    ? subsetCount({ ...pool, size: pool.testSize, labels: null }, spec.testSubset, 'data.testSubset')
    : pool.testSize;
  return {
    input: pool.features,
    output: spec.target?.kind === 'one_vs_rest' ? 1 : pool.classes,
    train: subsetSize - held,
    validation: held,
    test,
  };
}

function subsetCount(pool: Pool, subset: NonNullable<DataSpec['subset']>, at: string): number {
  if ('first' in subset) {
    if (subset.first > pool.size)
      throw new RunIssue(`${at}.first`, `${subset.first} is more than the ${pool.size} samples available`);
    return subset.first;
  }
  if (pool.labels) {
    const perClass = new Map<number, number>();
    for (const label of pool.labels) perClass.set(label, (perClass.get(label) ?? 0) + 1);
    for (const [label, n] of perClass) {
      if (n < subset.perClass)
        throw new RunIssue(`${at}.perClass`, `${subset.perClass}, but class ${label} has only ${n} samples`);
    }
  }
  return subset.perClass * pool.classes;
}

function readPool(source: Source): Pool {
  switch (source.kind) {
    case 'mnist':
      return mnistPool(source.dir ?? defaultMnistDir());
    case 'csv':
      return csvPool(source);
    case 'xor':
    case 'people':
      return { size: 4, labels: null, features: 2, classes: 2, testSize: 4 };
    case 'spirals': {
      const classes = source.classes ?? 2;
      const size = (source.points ?? 100) * classes;
      return { size, labels: null, features: 2, classes, testSize: size };
    }
  }
}

// IDX files start with a 4-byte magic number, then one big-endian uint32 per dimension.
const TRAIN_LABELS = /(^|-)train-labels-idx1-ubyte(\.gz)?$/;
const TRAIN_IMAGES = /(^|-)train-images-idx3-ubyte(\.gz)?$/;
const TEST_LABELS = /(^|-)(t10k|test)-labels-idx1-ubyte(\.gz)?$/;

function mnistPool(dir: string): Pool {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    throw new RunIssue('data.source.dir', `cannot read the folder ${dir}`);
  }
  const find = (pattern: RegExp) => {
    const name = names.find((candidate) => pattern.test(candidate));
    if (!name) throw new RunIssue('data.source.dir', `${dir} has no file matching ${pattern.source}`);
    return path.join(dir, name);
  };
  // The whole label file (60 KB for MNIST) rather than its 8-byte header, for perClass subsets.
  const labelPath = find(TRAIN_LABELS);
  const labels = labelPath.endsWith('.gz') ? gunzipSync(readFileSync(labelPath)) : readFileSync(labelPath);
  const size = labels.readUInt32BE(4);
  const images = readHead(find(TRAIN_IMAGES), 16);
  const pool = Int32Array.from(labels.subarray(8, 8 + size));
  return {
    size,
    labels: pool,
    features: images.readUInt32BE(8) * images.readUInt32BE(12),
    classes: maxPlusOne(pool),
    testSize: readHead(find(TEST_LABELS), 8).readUInt32BE(4),
  };
}

// The first bytes of a file; a gzipped one is inflated as far as its first block goes.
function readHead(file: string, bytes: number): Buffer {
  const gzipped = file.endsWith('.gz');
  const fd = openSync(file, 'r');
  try {
    const raw = Buffer.alloc(gzipped ? 4096 : bytes);
    const read = raw.subarray(0, readSync(fd, raw, 0, raw.length, 0));
    return gzipped ? gunzipSync(read, { finishFlush: constants.Z_SYNC_FLUSH }) : read;
  } finally {
    closeSync(fd);
  }
}

// Counts rows and reads only the label column; the numbers themselves are checked when a run loads them.
function csvPool(source: Extract<Source, { kind: 'csv' }>): Pool {
  const lines = csvLines(source.train, 'data.source.train');
  const first = (lines[0] ?? '').split(',').map((field) => field.trim());
  const header = source.header ?? !first.some((field) => field !== '' && Number.isFinite(Number(field)));
  const column =
    typeof source.labelColumn === 'string'
      ? header
        ? first.indexOf(source.labelColumn)
        : -1
      : (source.labelColumn ?? 0);
  if (column < 0 || column >= first.length) {
    throw new RunIssue(
      'data.source.labelColumn',
      `no column ${JSON.stringify(source.labelColumn)} among ${first.length} in ${source.train}`,
    );
  }
  const rows = lines.slice(header ? 1 : 0);
  const labels = Int32Array.from(rows, (row) => Number(row.split(',', column + 1)[column]));
  // Without a test file the test set is a seeded draw from the rows, so per-class counts are unknown.
  const testRows = source.test ? 0 : Math.round((source.testFraction ?? 0.2) * rows.length);
  return {
    size: rows.length - testRows,
    labels: source.test ? labels : null,
    features: first.length - 1,
    classes: maxPlusOne(labels),
    testSize: source.test ? csvLines(source.test, 'data.source.test').length - (header ? 1 : 0) : testRows,
  };
}

function csvLines(file: string, at: string): string[] {
  try {
    return readFileSync(file, 'utf8')
      .split(/\r?\n/)
      .filter((line) => line.trim() !== '');
  } catch {
    throw new RunIssue(at, `cannot read ${file}`);
  }
}

function maxPlusOne(labels: Int32Array): number {
  return labels.reduce((max, label) => Math.max(max, label), -1) + 1;
}
