// "Did you mean" hints: for misspelt keys and values, by edit distance; for keys of an earlier sweep
// language, what says the same now.
import { stringify } from 'yaml';
import { scheduleOfLrDecay } from './schedule.ts';

/** Run-config paths an earlier sweep language had, and the value that replaces one's value now. */
const RETIRED: Record<string, { now: string; value(old: unknown): unknown }> = {
  'train.lrDecay': {
    now: 'train.schedule',
    value: (old) => (typeof old === 'number' ? scheduleOfLrDecay(old) : { name: 'exponential', gamma: old }),
  },
};

/**
 * "; did you mean train.schedule: { name: exponential, gamma: 0.9 }?" for a retired run-config path
 * (`value` its value in the file, a grid's list of values included, if known), else "".
 */
export function retiredHint(path: string, value: unknown): string {
  const retired = RETIRED[path];
  if (!retired) return '';
  if (value === undefined) return `; did you mean ${retired.now}?`;
  const now = Array.isArray(value) ? value.map(retired.value) : retired.value(value);
  return `; did you mean ${retired.now}: ${stringify(now, { collectionStyle: 'flow' }).trim()}?`;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length];
}

const lastKey = (path: string) => path.slice(path.lastIndexOf('.') + 1);
const firstKey = (path: string) => path.split('.')[0];

/**
 * "; did you mean lr?" for the closest candidate within a few edits, else "". Candidates may be
 * dotted paths; a key written a level too high (a field of the optimizer written in train, as in
 * sweep files from before optimizers had their own fields) is found by its last key.
 */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const nested = candidates.find(
    (c) =>
      c !== word &&
      c.includes('.') &&
      lastKey(c) === lastKey(word) &&
      (!word.includes('.') || firstKey(c) === firstKey(word)),
  );
  if (nested && !candidates.includes(word)) return `; did you mean ${nested}?`;
  const lower = word.toLowerCase();
  // Two edits (a swapped pair: "trian" -> "train"), more for long words, never the whole word.
  let best: string | null = null;
  let bestDistance = Math.min(Math.max(2, Math.floor(word.length / 3)), word.length - 1) + 1;
  for (const candidate of candidates) {
    // The word itself is a key of another branch (a field of another optimizer): no spelling to fix.
    if (candidate === word) continue;
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best === null ? '' : `; did you mean ${best}?`;
}
