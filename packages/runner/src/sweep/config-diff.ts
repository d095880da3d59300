// What changed between two validated sweep configs, as "key: old -> new" items for a message.
// Objects are walked key by key; arrays and scalars compare as whole values, so a grid axis that
// gained a value reads "sweep.grid.train.lr: [0.1] -> [0.1,0.5]".

function flatten(value: unknown, prefix: string, into: Map<string, string>): Map<string, string> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, inner] of Object.entries(value)) flatten(inner, prefix ? `${prefix}.${key}` : key, into);
  } else {
    into.set(prefix, JSON.stringify(value));
  }
  return into;
}

function shorten(text: string | undefined): string {
  if (text === undefined) return '(absent)';
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** The differing key paths, sorted, each as "path: before -> after". */
export function configDiff(before: unknown, after: unknown): string[] {
  const a = flatten(before, '', new Map());
  const b = flatten(after, '', new Map());
  const keys = [...new Set([...a.keys(), ...b.keys()])].sort();
  return keys
    .filter((key) => a.get(key) !== b.get(key))
    .map((key) => `${key}: ${shorten(a.get(key))} -> ${shorten(b.get(key))}`);
}

/** At most `limit` items joined on one line, with a count of the rest. */
export function summarizeDiff(items: readonly string[], limit = 4): string {
  const shown = items.slice(0, limit).join('; ');
  return items.length > limit ? `${shown}; and ${items.length - limit} more` : shown;
}
