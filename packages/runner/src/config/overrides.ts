// Command-line overrides, `path=value` after the sweep file (as Hydra writes them): each value is
// parsed as YAML and written into the file's value before it is validated, so it is checked at its
// path like anything the file says, and a problem names the argument instead of a line.
import { parse } from 'yaml';
import { ConfigError } from './errors.ts';
import type { KeyPath } from './key-path.ts';

export interface Override {
  /** The argument as typed: "train.lr=0.1". */
  arg: string;
  /** Where it writes, as keys into the sweep file. */
  path: string[];
  value: unknown;
}

/** Reads one `path=value` argument; a ConfigError naming it when it is not one. */
export function parseOverride(arg: string): Override {
  const equals = arg.indexOf('=');
  const dotted = arg.slice(0, equals);
  if (equals <= 0 || dotted.split('.').some((key) => key === ''))
    throw new ConfigError(`argument ${arg}: expected path=value, e.g. train.lr=0.1`);
  let value: unknown;
  try {
    value = parse(arg.slice(equals + 1), { prettyErrors: false });
  } catch (error) {
    throw new ConfigError(`argument ${arg}: YAML syntax: ${(error as Error).message.split('\n')[0]}`);
  }
  return { arg, path: dotted.split('.'), value };
}

type Node = Record<string, unknown>;

/** Maps whose keys are whole dotted run-config paths ("train.lr"). */
const RUN_PATH_KEYED = ['sweep.grid', 'sweep.sample.params'];
const isMap = (node: unknown): node is Node =>
  typeof node === 'object' && node !== null && !Array.isArray(node);

/**
 * Writes the override into `root` (creating maps on the way) and returns the key path it took: a
 * dotted map key that already exists ("train.lr" under sweep.grid) is one key, not two.
 */
export function applyOverride(root: Node, override: Override): KeyPath {
  const taken: string[] = [];
  let node = root;
  let rest = override.path;
  while (rest.length > 1) {
    if (rest.join('.') in node || RUN_PATH_KEYED.includes(taken.join('.'))) break;
    const [key, ...tail] = rest;
    if (!isMap(node[key])) node[key] = {};
    node = node[key] as Node;
    taken.push(key);
    rest = tail;
  }
  const key = rest.join('.');
  node[key] = override.value;
  return [...taken, key];
}
