// Every mistake in a sweep file surfaces as one ConfigError, thrown before anything is written.
import type { KeyPath } from './key-path.ts';

/** One line: "<file>:<line>:<col>: <key.path>: <what was expected, what was found>". */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Reports a problem at a key path of the sweep file (the key itself, for an unknown or misplaced
 * key, or its value) as a located ConfigError; never returns.
 */
export type Fail = (path: KeyPath, at: 'key' | 'value', message: string) => never;

/** A value as it appears in a message: JSON, cut short so the message stays one line. */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  // Non-finite numbers as YAML writes them (JSON would say null).
  const yamlNumber = (v: number) => (Number.isNaN(v) ? '.nan' : v > 0 ? '.inf' : '-.inf');
  const text =
    typeof value === 'number' && !Number.isFinite(value)
      ? yamlNumber(value)
      : (JSON.stringify(value, (_key, v: unknown) =>
          typeof v === 'number' && !Number.isFinite(v) ? `\u0000${yamlNumber(v)}\u0000` : v,
        )?.replace(/"\\u0000(.*?)\\u0000"/g, '$1') ?? String(value));
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
