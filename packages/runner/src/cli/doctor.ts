// `ablate doctor`: what this machine gives Ablate, for a bug report or a first look when something
// goes wrong. It reads, loads and prints; it never opens the database nor writes anything.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { kernels, loadNativeKernels } from '@ablate/tensor';
import sqlite3 from 'sqlite3';
import { isDatabaseUrl, redactUrl } from '../db/index.ts';
import { ablateVersion } from '../meta.ts';
import { dbLocation, DB_VARIABLE, parseCommandArgs, UsageError } from './args.ts';
import { command } from './command.ts';
import { cacheDir } from './timings.ts';

const USAGE = `usage: ablate doctor [--json]

Prints what Ablate finds on this machine, one "name: value" line each:
  ablate    its version
  node      the Node.js version running it, and where that node is
  kernels   the kernel set training uses here, and why that one (ABLATE_KERNELS, or the fastest
            that loads)
  native    whether the native kernels load, and if not why (the reason the install's native
            build recorded when it failed, e.g. no C compiler)
  sqlite3   the sqlite3 package and the SQLite library it loaded
  pg        the pg package (PostgreSQL)
  database  the results database commands use without --db ($${DB_VARIABLE}, else the default), a
            URL's password redacted, and whether the file exists yet
  cache     the cache folder (epoch timings for --dry-run estimates)
Opens no database and writes nothing. --json prints the same as one JSON object. Exit code 0.`;

const packageVersion = (name: string) =>
  (createRequire(import.meta.url)(`${name}/package.json`) as { version: string }).version;

/** The first line of an error's message: a failed require() can add a stack of its own. */
const reason = (error: unknown) => (error instanceof Error ? error.message : String(error)).split('\n')[0];

function kernelsLine(): string {
  const forced = process.env.ABLATE_KERNELS;
  return `${kernels().name} (${forced ? `ABLATE_KERNELS=${forced}` : 'the fastest that loads here'})`;
}

// Loaded even when another set is in use, so the line also says what ABLATE_KERNELS leaves out.
function nativeLine(): string {
  try {
    return `${loadNativeKernels().name} loads`;
  } catch (error) {
    return `not available: ${reason(error)}`;
  }
}

function databaseLine(): string {
  const location = dbLocation(undefined);
  const source = process.env[DB_VARIABLE] ? `from $${DB_VARIABLE}` : 'the default';
  if (isDatabaseUrl(location)) return `${redactUrl(location)} (${source})`;
  const state = existsSync(location) ? 'exists' : 'not created yet: ablate sweep FILE creates it';
  return `${location} (${source}; ${state})`;
}

async function doctor(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('doctor', args, {
    json: { type: 'boolean', default: false },
  });
  if (positionals.length > 0) throw new UsageError('doctor: takes no arguments (see ablate doctor --help)');
  const report = {
    ablate: ablateVersion(),
    node: `${process.version} (${process.execPath})`,
    kernels: kernelsLine(),
    native: nativeLine(),
    sqlite3: `${packageVersion('sqlite3')} (SQLite ${sqlite3.VERSION})`,
    pg: packageVersion('pg'),
    database: databaseLine(),
    cache: cacheDir(),
  };
  const text = values.json
    ? JSON.stringify(report, null, 2)
    : Object.entries(report)
        .map(([name, value]) => `${name}: ${value}`)
        .join('\n');
  process.stdout.write(`${text}\n`);
  return 0;
}

export const doctorCommand = command(
  'doctor',
  'what Ablate finds on this machine: Node, kernels and why, packages, database, cache',
  USAGE,
  doctor,
);
