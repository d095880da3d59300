// Key paths: where a value sits in a parsed sweep file or a run config, as map keys and list
// indexes from the root (["sweep", "grid", "train.lr", 0]).

export type KeyPath = readonly (string | number)[];

/** A key path as people read it: ["sweep", "grid", "train.lr", 0] -> "sweep.grid.train.lr[0]". */
export function formatKeyPath(path: KeyPath): string {
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? key : `.${key}`)).join('');
}

/** The value at `path` under `root`; undefined where the path leads nowhere. */
export function valueAt(root: unknown, path: KeyPath): unknown {
  return path.reduce<unknown>((node, key) => (node as Record<string | number, unknown> | null)?.[key], root);
}
