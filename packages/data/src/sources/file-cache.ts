// Parsed source files by path, size and mtime, per process: a sweep reads each file once however
// many data specs share it, while a rewritten file is read again.
import { statSync } from 'node:fs';
import path from 'node:path';

const parsed = new Map<string, unknown>();

/** parse()'s result for this file, parsed once; `variant` tells apart parses with other options. */
export function parseOnce<T>(file: string, variant: string, parse: () => T): T {
  let key: string;
  try {
    const stat = statSync(file);
    key = `${path.resolve(file)}\0${stat.size}\0${stat.mtimeMs}\0${variant}`;
  } catch {
    return parse(); // unreadable: let the parser report it in its own words
  }
  if (!parsed.has(key)) parsed.set(key, parse());
  return parsed.get(key) as T;
}
