// What changed between two validated sweep configs, as "key: old -> new" items for a message. The
// diff itself is the shared one (view/diff.js, the dashboard's compare page reads it too); arrays
// compare as whole values, so a grid axis that gained a value reads
// "sweep.grid.train.lr: [0.1] -> [0.1,0.5]".
import { show } from '../config/errors.ts';
import { configDiff } from '../view/diff.js';

/** How many differences a message lists before it only counts the rest. */
const LISTED = 4;

/** The differing key paths, sorted, each as "path: before -> after". */
export function describeConfigDiff(before: unknown, after: unknown): string[] {
  const shown = (value: unknown) => (value === undefined ? '(absent)' : show(value));
  return configDiff(before, after).map(({ path, a, b }) => `${path}: ${shown(a)} -> ${shown(b)}`);
}

/** The differences on one line: the first few, then a count of the rest. */
export function summarizeDiff(items: readonly string[]): string {
  const listed = items.slice(0, LISTED).join('; ');
  return items.length > LISTED ? `${listed}; and ${items.length - LISTED} more` : listed;
}
