// Turns a zod issue into the path it is about and a one-line "expected ..., found ..." message.
import type { z } from 'zod';
import { show } from './errors.ts';
import { formatKeyPath, valueAt, type KeyPath } from './key-path.ts';
import { didYouMean, retiredHint } from './suggest.ts';

type Issue = z.core.$ZodIssue;

export interface Described {
  path: KeyPath;
  message: string;
  /** Whether the location is the key itself (an unknown key) or its value. */
  at: 'key' | 'value';
}

const TYPE_NAMES: Record<string, string> = {
  object: 'a map of keys',
  array: 'a list',
  int: 'an integer',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
};

/** `keysAt(path)` lists the keys allowed below an object path (dotted when nested), for suggestions. */
export function describeIssue(
  issue: Issue,
  input: unknown,
  keysAt: (path: KeyPath) => string[],
  prefix: KeyPath = [],
): Described {
  const path = [...prefix, ...(issue.path as (string | number)[])];
  const value = valueAt(input, path);
  const found = value === undefined ? 'missing' : `found ${show(value)}`;
  const expected = (what: string) => ({ path, at: 'value' as const, message: `expected ${what}, ${found}` });
  switch (issue.code) {
    case 'unrecognized_keys': {
      const key = issue.keys[0];
      const at = [...path, key];
      const rule = (value as { name?: unknown } | undefined)?.name;
      // A field of another branch of a rule's union (an optimizer's, a schedule's): no spelling to fix.
      const hint =
        retiredHint(formatKeyPath(at), valueAt(input, at)) ||
        (typeof rule === 'string' && keysAt(path).includes(key)
          ? `: not a field of ${rule}`
          : didYouMean(key, keysAt(path)));
      return { path: at, at: 'key', message: `unknown key${hint}` };
    }
    case 'invalid_type':
      return expected(TYPE_NAMES[issue.expected] ?? issue.expected);
    case 'too_small':
    case 'too_big': {
      const limit = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const sign = (issue.code === 'too_small' ? '>' : '<') + (issue.inclusive ? '=' : '');
      if (issue.origin === 'array') return expected(`a list of ${sign} ${limit} items`);
      if (issue.origin === 'string') return expected('a non-empty string');
      return expected(`a number ${sign} ${limit}`);
    }
    case 'invalid_value': {
      const described = expected(`one of ${issue.values.join(', ')}`);
      const hint = typeof value === 'string' ? didYouMean(value, issue.values.map(String)) : '';
      return { ...described, message: described.message + hint };
    }
    case 'invalid_union':
      return describeUnion(issue, input, value, path, (branch) => describeIssue(branch, input, keysAt, path));
    default:
      // Custom refinements and formats carry their own "expected ..." message.
      return { path, at: 'value', message: `${issue.message}, ${found}` };
  }
}

function describeUnion(
  issue: Extract<Issue, { code: 'invalid_union' }>,
  input: unknown,
  value: unknown,
  path: KeyPath,
  describeBranch: (branch: Issue) => Described,
): Described {
  if ((issue as { note?: string }).note === 'No matching discriminator') {
    const options = (issue as { options?: unknown[] }).options?.map(String) ?? [];
    // A rule written as a bare name ("cosin") is the name itself: the value of the parent key.
    const parent = valueAt(input, path.slice(0, -1));
    const [at, name] = typeof parent === 'string' ? [path.slice(0, -1), parent] : [path, value];
    const hint = typeof name === 'string' ? didYouMean(name, options) : '';
    return {
      path: at,
      at: 'value',
      message: `expected one of ${options.join(', ')}, found ${show(name)}${hint}`,
    };
  }
  // The branches the value was meant for are those that got past the type check at the root.
  const isRootMismatch = (branch: Issue) =>
    branch.path.length === 0 && (branch.code === 'invalid_type' || branch.code === 'invalid_value');
  const meant = issue.errors.filter((branch) => !branch.some(isRootMismatch));
  if (meant.length === 1) return describeBranch(meant[0][0]);
  const values = issue.errors
    .flat()
    .flatMap((branch) => (branch.code === 'invalid_value' ? branch.values.map(String) : []));
  const hint = typeof value === 'string' ? didYouMean(value, values) : '';
  return { path, at: 'value', message: `${issue.message}, found ${show(value)}${hint}` };
}
