// What changed between two validated sweep configs, as "key: old -> new" items for a message.
// Objects are walked key by key; arrays and scalars compare as whole values, so a grid axis that
// gained a value reads "sweep.grid.train.lr: [0.1] -> [0.1,0.5]".
import { show } from '../config/errors.ts';

/** How many differences a message lists before it only counts the rest. */
const LISTED = 4;

/** Every leaf of a config (a scalar, or an array as a whole) by its dotted key path. */
function leaves(value: unknown, prefix = '', into = new Map<string, unknown>()): Map<string, unknown> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, inner] of Object.entries(value)) leaves(inner, prefix ? `${prefix}.${key}` : key, into);
  } else {
    into.set(prefix, value);
  }
  return into;
}

/** The differing key paths, sorted, each as "path: before -> after". */
export function configDiff(before: unknown, after: unknown): string[] {
  const a = leaves(before);
  const b = leaves(after);
  const shown = (side: Map<string, unknown>, key: string) =>
    side.get(key) === undefined ? '(absent)' : show(side.get(key));
  return [...new Set([...a.keys(), ...b.keys()])]
    .sort()
    .filter((key) => JSON.stringify(a.get(key)) !== JSON.stringify(b.get(key)))
    .map((key) => `${key}: ${shown(a, key)} -> ${shown(b, key)}`);
}

/** The differences on one line: the first few, then a count of the rest. */
export function summarizeDiff(items: readonly string[]): string {
  const listed = items.slice(0, LISTED).join('; ');
  return items.length > LISTED ? `${listed}; and ${items.length - LISTED} more` : listed;
}
