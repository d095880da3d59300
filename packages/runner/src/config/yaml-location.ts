// Reads the YAML keeping every node's source range, so an error found later in the parsed value
// can name the line and column of the key or value that caused it.
import { isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, type Document } from 'yaml';
import { ConfigError } from './errors.ts';
import type { KeyPath } from './key-path.ts';

export interface YamlSource {
  /** The document as plain data. */
  value: unknown;
  /**
   * "file:line:col" of the node at `path`: the key itself or its value. A path that leads nowhere
   * (a missing key) is placed at the deepest node of it that exists.
   */
  locate(path: KeyPath, at: 'key' | 'value'): string;
}

/**
 * Parses YAML text; whatever the parser objects to (a syntax error, a warning such as an unknown
 * tag, a second document, an alias to nothing) becomes a one-line ConfigError at its line and column.
 */
export function readYaml(text: string, file: string): YamlSource {
  const lines = new LineCounter();
  // logLevel 'silent': the parser's objections come back as errors and warnings, never printed.
  const docs = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false, logLevel: 'silent' });
  const position = (offset: number) => {
    const at = lines.linePos(offset);
    return `${file}:${at.line}:${at.col}`;
  };
  const fail = (offset: number, message: string): never => {
    throw new ConfigError(`${position(offset)}: YAML: ${message.split('\n')[0]}`);
  };
  if (docs.length > 1) fail(docs[1].range[0], 'expected one document, found a second one (---)');
  const doc = docs[0];
  // An empty file is an empty document: the schema says what it lacks.
  if (!doc) return { value: null, locate: () => position(0) };
  const objection = doc.errors[0] ?? doc.warnings[0];
  if (objection) fail(objection.pos[0], objection.message);
  let value: unknown;
  try {
    value = doc.toJS();
  } catch (error) {
    fail(0, (error as Error).message);
  }
  return { value, locate: (path, at) => position(nodeOffset(doc, path, at)) };
}

function nodeOffset(doc: Document, path: KeyPath, at: 'key' | 'value'): number {
  let node: unknown = doc.contents;
  let offset = 0;
  for (let i = 0; i < path.length; i++) {
    offset = rangeStart(node) ?? offset;
    if (isMap(node)) {
      const pair = node.items.find(
        (item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(path[i]),
      );
      if (!pair) return offset;
      const keyStart = rangeStart(pair.key);
      if (at === 'key' && i === path.length - 1) return keyStart ?? offset;
      // `key:` with nothing after it has no value node; the key is the best place to point.
      node = pair.value ?? pair.key;
    } else if (isSeq(node) && typeof path[i] === 'number') {
      const item = node.items[path[i] as number];
      if (item === undefined) return offset;
      node = item;
    } else {
      return offset;
    }
  }
  return rangeStart(node) ?? offset;
}

function rangeStart(node: unknown): number | undefined {
  return (node as { range?: [number, number, number] } | null)?.range?.[0];
}
