// The `ablate` entry point over a list of commands: --version, --help (for the whole and for each
// command), dispatch, and the exit codes every command shares. The runner's own entry (cli.ts)
// and the workspace's `ablate` bin (@ablate/cli, which adds the dashboard's serve) both call it.
import { ConfigError } from '../config/index.ts';
import { DatabaseBusyError, DatabaseUnavailableError, StorageFaultError } from '../db/index.ts';
import { ablateVersion } from '../meta.ts';
import { SweepInputError } from '../sweep/open-store.ts';
import { UsageError } from './args.ts';
import type { Command } from './command.ts';
import { BAD_INPUT_EXIT, DB_UNAVAILABLE_EXIT, STORAGE_FAULT_EXIT } from './exit-codes.ts';

/** Mistakes in what the user gave us: one line on stderr, BAD_INPUT_EXIT, nothing written. */
const INPUT_ERRORS = [UsageError, ConfigError, SweepInputError, DatabaseBusyError];

export const EXIT_CODES = `exit codes: 0 done, 1 some runs failed (sweep, worker) or an unexpected error, ${BAD_INPUT_EXIT} bad input
or a database another sweep is writing (nothing written), ${STORAGE_FAULT_EXIT} the results database stopped taking
writes (a full disk, read-only, locked by another program; what is stored is kept, rerun to
resume), ${DB_UNAVAILABLE_EXIT} the database stayed unreachable past --db-retry-seconds (rerun once it is back),
130 / 143 stopped by SIGINT / SIGTERM`;

function overview(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'usage: ablate <command> [arguments] [options]',
    '',
    'commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'ablate <command> --help   what a command takes',
    'ablate --version          the version',
    '',
    EXIT_CODES,
  ].join('\n');
}

const wantsHelp = (args: readonly string[]) => args.includes('--help') || args.includes('-h');

/** Runs one command on its arguments, with --help and the shared exit codes. */
export async function runCommand(command: Command, args: string[]): Promise<number> {
  if (wantsHelp(args)) {
    process.stdout.write(`${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(args);
  } catch (err) {
    if (INPUT_ERRORS.some((kind) => err instanceof kind)) {
      process.stderr.write(`ablate: ${(err as Error).message}\n`);
      return BAD_INPUT_EXIT;
    }
    if (err instanceof StorageFaultError) {
      process.stderr.write(`ablate: ${err.message}\n`);
      return STORAGE_FAULT_EXIT;
    }
    if (err instanceof DatabaseUnavailableError) {
      process.stderr.write(`ablate: ${err.message}\n`);
      return DB_UNAVAILABLE_EXIT;
    }
    process.stderr.write(`ablate: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 1;
  }
}

/** `ablate <argv>`: dispatches to the command named first; resolves to the exit code. */
export async function main(commands: readonly Command[], argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === '--version' || name === '-v') {
    process.stdout.write(`ablate ${ablateVersion()}\n`);
    return 0;
  }
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${overview(commands)}\n`);
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    const known = commands.map((c) => c.name).join(', ');
    process.stderr.write(`ablate: unknown command "${name}" (expected one of ${known}; see ablate --help)\n`);
    return BAD_INPUT_EXIT;
  }
  return runCommand(command, args);
}
