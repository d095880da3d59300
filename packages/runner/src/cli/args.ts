// What every command's arguments share: one-line usage errors, and paths that mean what the person
// typing them meant, whether they ran `ablate` (npx) in some folder of the workspace or went
// through nx (which runs commands from the repo root and keeps the original folder in INIT_CWD).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { isDatabaseUrl } from '../db/index.ts';

/** A mistake on the command line: reported in one line, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * The variable naming the results database when no --db is given: a path or a URL, so that a
 * shared database's URL need not be typed, nor seen in `ps`, at every command.
 */
export const DB_VARIABLE = 'ABLATE_DB';

/**
 * The results database when neither --db nor ABLATE_DB names one, under the folder the command
 * runs in: the user's project, as npm's own files are, never a folder inside Ablate's install.
 */
const DEFAULT_DB_FILE = path.join('results', 'ablate.db');

/** The default database as the commands' --help states it. */
export const DEFAULT_DB = `$${DB_VARIABLE}, else ./${DEFAULT_DB_FILE}`;

/** The folders a relative path may be relative to, most specific first. */
function userFolders(): string[] {
  return [...new Set([process.env.INIT_CWD, process.cwd()].filter((dir): dir is string => Boolean(dir)))];
}

/** A path the user typed, made absolute from the folder they typed it in. */
function userPath(typed: string): string {
  return path.resolve(userFolders()[0], typed);
}

/**
 * A --db value (else $ABLATE_DB, else the default file): a PostgreSQL URL as it is, a file path
 * made absolute.
 */
export function dbLocation(typed: string | undefined): string {
  const given = typed ?? (process.env[DB_VARIABLE] || undefined);
  if (given === undefined) return userPath(DEFAULT_DB_FILE);
  return isDatabaseUrl(given) ? given : userPath(given);
}

/** The sweep file `file` names: an absolute path, or the first match in the user's folders. */
export function sweepFile(file: string): string {
  const candidates = path.isAbsolute(file) ? [file] : userFolders().map((dir) => path.resolve(dir, file));
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found)
    throw new UsageError(`${file}: no such sweep file (looked in ${[...new Set(candidates)].join(', ')})`);
  return found;
}

export function positiveInteger(option: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`--${option}: expected a positive integer, got ${JSON.stringify(value)}`);
  return n;
}

/** What parseCommandArgs returns, named so that the built package's declarations can say it. */
type CommandOptions = NonNullable<ParseArgsConfig['options']>;
type CommandArgs<T extends CommandOptions> = ReturnType<
  typeof parseArgs<{ args: string[]; options: T; allowPositionals: true; strict: true }>
>;

/** node:util parseArgs for one command, its complaints turned into one-line UsageErrors. */
export function parseCommandArgs<T extends CommandOptions>(
  command: string,
  args: string[],
  options: T,
): CommandArgs<T> {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(
      `${command}: ${(err as Error).message.split('\n')[0]} (see ablate ${command} --help)`,
    );
  }
}
