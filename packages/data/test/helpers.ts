import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export function tempDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'ablate-data-'));
}

/** Writes a file into `dir` and returns its path. */
export function write(dir: string, name: string, content: string | Uint8Array): string {
  const file = path.join(dir, name);
  writeFileSync(file, content);
  return file;
}

/**
 * A CSV whose rows identify themselves: label = id % classes, then features (id, id * 2), so a
 * test can tell from x alone which pool row a sample came from.
 */
export function idCsv(rows: number, classes: number): string {
  return Array.from({ length: rows }, (_, id) => `${id % classes},${id},${id * 2}`).join('\n') + '\n';
}

/** The id feature (column 0 of x) of every sample. */
export function ids(x: Float32Array, features: number): number[] {
  return Array.from({ length: x.length / features }, (_, i) => x[i * features]);
}
