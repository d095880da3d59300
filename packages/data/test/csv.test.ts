import { Rng } from '@ablate/tensor';
import { describe, expect, it } from 'vitest';
import { loadIdxFolder, parseCsv, prepareData } from '../src/index.ts';
import { idCsv, ids, tempDir, write } from './helpers.ts';

describe('CSV parsing', () => {
  it('takes the label from column 0 and detects a missing header', () => {
    const parsed = parseCsv('1,0.5,2\n0,-3,4e2\n', 'a.csv', { labelColumn: 0 });
    expect(parsed.columns).toBeNull();
    expect(Array.from(parsed.labels)).toEqual([1, 0]);
    expect(Array.from(parsed.x)).toEqual([0.5, 2, -3, 400]);
    expect([parsed.count, parsed.features]).toEqual([2, 2]);
  });

  it('uses a named label column from the header, with CRLF line ends', () => {
    const parsed = parseCsv('w,h,gender\r\n-2,-1,1\r\n25,6,0\r\n', 'p.csv', { labelColumn: 'gender' });
    expect(parsed.columns).toEqual(['w', 'h', 'gender']);
    expect(Array.from(parsed.labels)).toEqual([1, 0]);
    expect(Array.from(parsed.x)).toEqual([-2, -1, 25, 6]);
  });

  it('honours an explicit header setting and a numeric label column', () => {
    const headed = parseCsv('7,8,9\n1,2,3\n', 'h.csv', { header: true, labelColumn: 2 });
    expect([headed.count, Array.from(headed.labels), Array.from(headed.x)]).toEqual([1, [3], [1, 2]]);
    expect(parseCsv('a,b\n1,2\n', 'n.csv', { header: true, labelColumn: 0 }).count).toBe(1);
  });

  it('reports bad rows with their line numbers', () => {
    expect(() => parseCsv('1,2,3\n1,2\n', 'f.csv', { labelColumn: 0 })).toThrow(
      'f.csv: line 2 has 2 columns, expected 3',
    );
    expect(() => parseCsv('label,a\n1,2\n0,x\n', 'f.csv', { labelColumn: 0 })).toThrow(
      'f.csv: line 3, column 2: "x" is not a number',
    );
    expect(() => parseCsv('1,2\n1,\n', 'f.csv', { labelColumn: 0 })).toThrow(
      'f.csv: line 2, column 2: "" is not a number',
    );
    expect(() => parseCsv('1,2\n2.5,1\n', 'f.csv', { labelColumn: 0 })).toThrow(
      'f.csv: line 2: label "2.5" is not a class index (integer >= 0)',
    );
    expect(() => parseCsv('1,2\n-1,1\n', 'f.csv', { labelColumn: 0 })).toThrow(/line 2: label "-1"/);
  });

  it('reports unusable label columns', () => {
    expect(() => parseCsv('1,2\n', 'f.csv', { labelColumn: 'y' })).toThrow(
      'f.csv: label column "y" is named, but the file has no header',
    );
    expect(() => parseCsv('a,b\n1,2\n', 'f.csv', { labelColumn: 'y' })).toThrow(
      'f.csv: no column named "y", expected one of a, b',
    );
    expect(() => parseCsv('1,2\n', 'f.csv', { labelColumn: 5 })).toThrow(
      'f.csv: label column 5 is out of range, expected 0..1',
    );
  });

  it('reads the mnist_train_small.csv layout to the same values as the IDX files', () => {
    const { test } = loadIdxFolder();
    const rows = Array.from({ length: 50 }, (_, i) =>
      [test.labels[i], ...test.x.subarray(i * 784, (i + 1) * 784)].join(','),
    );
    const parsed = parseCsv(rows.join('\n'), 'mnist_test_50.csv', { labelColumn: 0 });
    expect([parsed.count, parsed.features]).toEqual([50, 784]);
    expect(parsed.labels).toEqual(test.labels.subarray(0, 50));
    expect(parsed.x).toEqual(Float32Array.from(test.x.subarray(0, 50 * 784)));
  });
});

describe('CSV sources', () => {
  it('names the file that is missing', () => {
    expect(() => prepareData({ source: { kind: 'csv', train: '/nonexistent/t.csv' } }, new Rng(1))).toThrow(
      /^\/nonexistent\/t\.csv: cannot read the CSV file/,
    );
  });

  it('uses a test file when given, checking its columns', () => {
    const dir = tempDir();
    const train = write(dir, 'train.csv', idCsv(10, 2));
    const data = prepareData(
      { source: { kind: 'csv', train, test: write(dir, 'test.csv', '1,100,200\n') }, scale: 'none' },
      new Rng(1),
    );
    expect([data.train.count, data.test.count, ids(data.test.x, 2)]).toEqual([10, 1, [100]]);
    const narrow = write(dir, 'narrow.csv', '1,100\n');
    expect(() => prepareData({ source: { kind: 'csv', train, test: narrow } }, new Rng(1))).toThrow(
      `${narrow}: 1 feature columns, expected 2 as in ${train}`,
    );
  });

  it('without a test file, holds out a seeded disjoint testFraction', () => {
    const train = write(tempDir(), 'train.csv', idCsv(100, 2));
    const data = prepareData(
      { source: { kind: 'csv', train, testFraction: 0.25 }, scale: 'none' },
      new Rng(3),
    );
    const trainIds = ids(data.train.x, 2);
    const testIds = ids(data.test.x, 2);
    expect([trainIds.length, testIds.length]).toEqual([75, 25]);
    expect([...trainIds, ...testIds].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(() => prepareData({ source: { kind: 'csv', train, testFraction: 1 } }, new Rng(3))).toThrow(
      /^source\.testFraction: Too big/,
    );
  });
});
