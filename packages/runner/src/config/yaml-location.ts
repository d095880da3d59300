// Reads the YAML keeping every node's source range, so an error found later in the parsed value
// can name the line and column of the key or value that caused it.
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
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

/** Parses YAML text; a syntax error becomes a ConfigError at its line and column. */
export function readYaml(text: string, file: string): YamlSource {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const position = (offset: number) => {
    const at = lines.linePos(offset);
    return `${file}:${at.line}:${at.col}`;
  };
  const syntax = doc.errors[0];
  if (syntax)
    throw new ConfigError(`${position(syntax.pos[0])}: YAML syntax: ${syntax.message.split('\n')[0]}`);
  return {
    value: doc.toJS(),
    locate: (path, at) => position(nodeOffset(doc, path, at)),
  };
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
