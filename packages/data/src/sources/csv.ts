// Numeric CSV: one integer label column plus numeric features, e.g. mnist_train_small.csv (label,
// then 784 pixels). Such files have no quoting or embedded commas, so a line/comma split is a
// complete parser here, and it lets every error carry its line number; a general CSV library would
// add a dependency and quoting rules these files never use.

import { readFileSync } from 'node:fs';
import { allIndices, carve, holdOutSize } from '../prepare/split.ts';
import type { ResolvedSourceSpec } from '../spec.ts';
import type { RandomSource } from '../types.ts';
import { parseOnce } from './file-cache.ts';
import { classCount, takeRows, type RawSet, type RawSource } from './raw.ts';

type CsvSpec = Extract<ResolvedSourceSpec, { kind: 'csv' }>;
/** How to read one file: the fields documented on the csv source spec. */
type CsvOptions = Pick<CsvSpec, 'labelColumn' | 'header'>;

// Number('') and Number(' ') are 0, so a zero is only a number when the field isn't blank.
const isNumeric = (field: string, value: number) =>
  Number.isFinite(value) && (value !== 0 || field.trim() !== '');

/** Parses CSV text, read as a resolved csv source says (./spec.ts fills its defaults); `file` names the file in errors. */
export function parseCsv(
  text: string,
  file: string,
  options: CsvOptions,
): RawSet & { columns: string[] | null } {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1].trim() === '') lines.pop();
  if (lines.length === 0) throw new Error(`${file}: empty, expected numeric rows`);

  const firstFields = lines[0].split(',');
  const header = options.header ?? !firstFields.some((field) => isNumeric(field, Number(field)));
  const columns = header ? firstFields.map((name) => name.trim()) : null;
  const width = firstFields.length;
  const labelIndex = resolveLabelColumn(options.labelColumn, columns, width, file);

  const start = header ? 1 : 0;
  const count = lines.length - start;
  if (count === 0) throw new Error(`${file}: has a header but no rows`);
  const features = width - 1;
  if (features < 1)
    throw new Error(`${file}: line ${start + 1} has ${width} column, expected a label and features`);
  const x = new Float32Array(count * features);
  const labels = new Int32Array(count);

  for (let row = 0; row < count; row++) {
    const line = start + row + 1; // 1-based, as editors show it
    const fields = lines[start + row].split(',');
    if (fields.length !== width) {
      throw new Error(`${file}: line ${line} has ${fields.length} columns, expected ${width}`);
    }
    let offset = row * features;
    for (let col = 0; col < width; col++) {
      const field = fields[col];
      const value = Number(field);
      if (!isNumeric(field, value)) {
        throw new Error(`${file}: line ${line}, column ${col + 1}: "${field}" is not a number`);
      }
      if (col !== labelIndex) x[offset++] = value;
      else if (Number.isInteger(value) && value >= 0) labels[row] = value;
      else throw new Error(`${file}: line ${line}: label "${field}" is not a class index (integer >= 0)`);
    }
  }
  return { x, labels, count, features, columns, origin: file };
}

function resolveLabelColumn(
  column: string | number,
  columns: string[] | null,
  width: number,
  file: string,
): number {
  if (typeof column === 'string') {
    if (!columns) throw new Error(`${file}: label column "${column}" is named, but the file has no header`);
    const index = columns.indexOf(column);
    if (index < 0)
      throw new Error(`${file}: no column named "${column}", expected one of ${columns.join(', ')}`);
    return index;
  }
  if (!Number.isInteger(column) || column < 0 || column >= width) {
    throw new Error(`${file}: label column ${column} is out of range, expected 0..${width - 1}`);
  }
  return column;
}

function readCsv(file: string, options: CsvOptions): RawSet {
  return parseOnce(file, JSON.stringify(options), () => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new Error(`${file}: cannot read the CSV file (${(error as Error).message})`);
    }
    return parseCsv(text, file, options);
  });
}

/** A CSV source: its test file, or else a seeded `testFraction` of the training file. */
export function loadCsv(source: CsvSpec, random: RandomSource): RawSource {
  const options = { labelColumn: source.labelColumn, header: source.header };
  const train = readCsv(source.train, options);
  if (source.test) {
    const test = readCsv(source.test, options);
    if (test.features !== train.features) {
      throw new Error(
        `${source.test}: ${test.features} feature columns, expected ${train.features} as in ${source.train}`,
      );
    }
    return { train, test, classes: classCount(train, test), range: null };
  }
  const testSize = holdOutSize(source.testFraction, train.count, 'testFraction', train.origin);
  const split = carve(allIndices(train.count), testSize, random);
  return {
    train: takeRows(train, split.kept),
    test: takeRows(train, split.held),
    classes: classCount(train),
    range: null,
  };
}
