// Every mistake in a sweep file surfaces as one ConfigError, thrown before anything is written.

/** One line: "<file>:<line>:<col>: <key.path>: <what was expected, what was found>". */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** A key path as people read it: ["sweep", "grid", "train.lr", 0] -> "sweep.grid.train.lr[0]". */
export function formatKeyPath(path: readonly (string | number)[]): string {
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? key : `.${key}`)).join('');
}

/** A value as it appears in a message: JSON, cut short so the message stays one line. */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** A problem with one resolved run, at a dotted run-config path; the caller turns it into a ConfigError. */
export class RunIssue extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}
