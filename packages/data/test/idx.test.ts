import { copyFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { defaultMnistDir, loadIdxFolder, parseIdx } from '../src/index.ts';
import { tempDir, write } from './helpers.ts';

const mnist = defaultMnistDir();
const real = (name: string) => readFileSync(path.join(mnist, name));

/** An IDX header + body built by hand, independent of the parser. */
function idx(dims: number[], body: number[]): Uint8Array {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt8(0x08, 2);
  header.writeUInt8(dims.length, 3);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, Buffer.from(body)]);
}

/** A temp folder holding the real 10k test files under both the train and the test names. */
function copiedFolder(): string {
  const dir = tempDir();
  for (const split of ['train', 't10k']) {
    copyFileSync(path.join(mnist, 't10k-images-idx3-ubyte'), path.join(dir, `${split}-images-idx3-ubyte`));
    copyFileSync(path.join(mnist, 't10k-labels-idx1-ubyte'), path.join(dir, `${split}-labels-idx1-ubyte`));
  }
  return dir;
}

describe('IDX parsing of the real MNIST files', () => {
  const { train, test, classes, range } = loadIdxFolder();

  it('has 60000 training and 10000 test images of 28x28', () => {
    expect([train.count, train.features, train.x.length]).toEqual([60000, 784, 60000 * 784]);
    expect([test.count, test.features, test.x.length]).toEqual([10000, 784, 10000 * 784]);
    expect(parseIdx(real('train-images-idx3-ubyte'), 'train').dims).toEqual([60000, 28, 28]);
    expect([classes, range]).toEqual([10, 255]);
  });

  it('starts with the well-known labels', () => {
    expect(Array.from(train.labels.subarray(0, 5))).toEqual([5, 0, 4, 1, 9]);
    expect(Array.from(test.labels.subarray(0, 5))).toEqual([7, 2, 1, 0, 4]);
  });

  it('reads pixels at the right offset (the 16-byte header skipped)', () => {
    const bytes = real('train-images-idx3-ubyte');
    expect(train.x[0]).toBe(bytes[16]);
    expect(train.x[train.x.length - 1]).toBe(bytes[bytes.length - 1]);
    expect(Math.max(...train.x.subarray(0, 784))).toBe(255);
  });

  it('parses each file once per process', () => {
    expect(loadIdxFolder().train.x).toBe(train.x);
  });
});

describe('IDX validation', () => {
  it('reads a hand-built file', () => {
    const parsed = parseIdx(idx([2, 2, 3], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]), 'tiny');
    expect(parsed.dims).toEqual([2, 2, 3]);
    expect(Array.from(parsed.data)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it('rejects a bad magic number, naming the file', () => {
    const bytes = Uint8Array.from(real('t10k-labels-idx1-ubyte'));
    bytes[2] = 0x0d; // float32 type code
    expect(() => parseIdx(bytes, 'labels.idx')).toThrow(/^labels\.idx: bad magic number 0x00000d01/);
  });

  it('rejects a truncated file with the expected and actual sizes', () => {
    const bytes = real('t10k-labels-idx1-ubyte').subarray(0, 5000);
    expect(() => parseIdx(bytes, 'labels.idx')).toThrow(
      'labels.idx: truncated: dimensions 10000 need 10008 bytes, file has 5000',
    );
    expect(() => parseIdx(idx([3, 4], []).subarray(0, 6), 'h')).toThrow(/^h: truncated header/);
  });

  it('rejects bytes beyond the declared dimensions', () => {
    expect(() => parseIdx(idx([2], [1, 2, 3]), 'x')).toThrow(
      'x: too long: dimensions 2 need 10 bytes, file has 11',
    );
  });

  it('reports a corrupt file in a folder by its path', () => {
    const dir = copiedFolder();
    const images = path.join(dir, 'train-images-idx3-ubyte');
    write(dir, 'train-images-idx3-ubyte', readFileSync(images).subarray(0, 1_000_000));
    expect(() => loadIdxFolder(dir)).toThrow(
      `${images}: truncated: dimensions 10000x28x28 need 7840016 bytes, file has 1000000`,
    );
  });

  it('rejects wrong dimensions: images given as labels, and counts that disagree', () => {
    const dir = copiedFolder();
    const labels = path.join(dir, 't10k-labels-idx1-ubyte');
    write(dir, 't10k-images-idx3-ubyte', readFileSync(labels));
    expect(() => loadIdxFolder(dir)).toThrow(/t10k-images-idx3-ubyte: images have 1 dimensions, expected 3/);

    const other = copiedFolder();
    write(other, 't10k-labels-idx1-ubyte', idx([9999], new Array(9999).fill(1)));
    expect(() => loadIdxFolder(other)).toThrow(/t10k-labels-idx1-ubyte: 9999 labels, expected 10000/);
  });

  it('reads EMNIST-style names and gzipped files; rejects a folder without them', () => {
    const dir = tempDir();
    const images = idx([2, 2, 2], [0, 255, 1, 2, 3, 4, 5, 6]);
    for (const split of ['train', 'test']) {
      write(dir, `emnist-digits-${split}-images-idx3-ubyte.gz`, gzipSync(images));
      write(dir, `emnist-digits-${split}-labels-idx1-ubyte.gz`, gzipSync(idx([2], [3, 1])));
    }
    const loaded = loadIdxFolder(dir);
    expect([loaded.train.count, loaded.train.features, loaded.classes]).toEqual([2, 4, 4]);
    expect(Array.from(loaded.test.x)).toEqual([0, 255, 1, 2, 3, 4, 5, 6]);
    expect(() => loadIdxFolder(tempDir())).toThrow(
      /expected exactly one file matching .*train-images.*, found none/,
    );
  });
});
