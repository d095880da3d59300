// The command line, parsed and resolved: relative paths mean what the person typing them meant,
// whether they ran tsx directly or went through npx / nx (which change the cwd to the repo root
// and keep the original folder in INIT_CWD).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from '../meta.ts';

export const USAGE = `usage: ablate sweep <config.yaml> [options]
       (in this repo: npx nx run runner:sweep <config.yaml> [options])

Expands the sweep file into runs and trains those not yet done, recording every epoch to SQLite.
Rerunning resumes: finished and diverged runs are kept, interrupted and failed ones are redone.
Relative paths are taken from the folder the command was typed in; the sweep file is also looked
for in the repo root.

options:
  --db PATH        results database (default: results/ablate.db under the repo root); one sweep
                   at a time may write it
  --workers N      training threads (default: one per core, at most one per run to train)
  --max-runs N     allow at most N runs, in place of sweep.maxRuns (or the default cap of 200)
  --dry-run        print the planned runs with time estimates; write nothing
  --new-version    record a changed config under an existing sweep name as a new version
  -h, --help       this text

exit codes: 0 every run ended (finished or diverged), 1 some runs failed, 2 bad input or a
database another sweep is writing (nothing written), 130 / 143 stopped by SIGINT / SIGTERM
(finished epochs kept; rerun to resume)`;

/** A mistake on the command line: reported in one line, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** `ablate sweep`, with every path resolved to an absolute one. */
export interface SweepCommand {
  kind: 'sweep';
  configPath: string;
  dbPath: string;
  /** Unset: one per core. */
  workers?: number;
  /** Overrides sweep.maxRuns. */
  maxRuns?: number;
  /** `path=value` arguments after the sweep file. */
  overrides: string[];
  dryRun: boolean;
  newVersion: boolean;
}

export type Command = SweepCommand | { kind: 'help' };

/** The folders a relative path may be relative to, most specific first. */
function userFolders(): string[] {
  return [...new Set([process.env.INIT_CWD, process.cwd()].filter((dir): dir is string => Boolean(dir)))];
}

/** The sweep file `file` names: an absolute path, or the first match in `folders` or the repo root. */
function resolveConfig(file: string, folders: string[]): string {
  const candidates = path.isAbsolute(file)
    ? [file]
    : [...folders, repoRoot].map((dir) => path.resolve(dir, file));
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found)
    throw new UsageError(`${file}: no such sweep file (looked in ${[...new Set(candidates)].join(', ')})`);
  return found;
}

function positiveInteger(option: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`--${option}: expected a positive integer, got ${JSON.stringify(value)}`);
  return n;
}

/** The command `argv` (the arguments after the script) asks for; a UsageError if it is malformed. */
export function parseCommand(argv: string[]): Command {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        db: { type: 'string' },
        workers: { type: 'string' },
        'max-runs': { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        'new-version': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    throw new UsageError(`${(err as Error).message.split('\n')[0]} (see --help)`);
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help' };
  const [command, file, ...rest] = positionals;
  if (command !== 'sweep')
    throw new UsageError(
      command
        ? `unknown command "${command}" (expected "sweep"; see --help)`
        : 'missing command (see --help)',
    );
  if (!file) throw new UsageError('sweep: missing the sweep file, e.g. experiments/smoke.yaml');
  const extra = rest.find((arg) => !arg.includes('='));
  if (extra !== undefined)
    throw new UsageError(
      `sweep: unexpected argument "${extra}" (one sweep file at a time; overrides are path=value)`,
    );
  const folders = userFolders();
  return {
    kind: 'sweep',
    configPath: resolveConfig(file, folders),
    dbPath: values.db ? path.resolve(folders[0], values.db) : path.join(repoRoot, 'results', 'ablate.db'),
    workers: positiveInteger('workers', values.workers),
    maxRuns: positiveInteger('max-runs', values['max-runs']),
    overrides: rest,
    dryRun: values['dry-run'],
    newVersion: values['new-version'],
  };
}
