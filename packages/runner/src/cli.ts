// `ablate sweep <config.yaml>`: the command line over loadSweep and runSweep. The exit codes are
// listed in USAGE (cli/args.ts).
import { kernelsNotice } from '@ablate/tensor';
import { ConfigError, formatPlan, loadSweep } from './config/index.ts';
import { parseCommand, UsageError, USAGE, type SweepCommand } from './cli/args.ts';
import { LiveProgress, PlainProgress } from './cli/progress.ts';
import { formatSummary } from './cli/summary.ts';
import { DatabaseBusyError } from './db/lease.ts';
import { runSweep, SweepInputError } from './sweep/run-sweep.ts';

const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;

/** Mistakes in what the user gave us: one line on stderr, exit code 2, nothing written. */
const INPUT_ERRORS = [UsageError, ConfigError, SweepInputError, DatabaseBusyError];

async function sweep(command: SweepCommand): Promise<number> {
  const plan = await loadSweep(command.configPath, { maxRuns: command.maxRuns });
  if (command.dryRun) {
    process.stdout.write(`${formatPlan(plan)}\n`);
    return 0;
  }
  const controller = new AbortController();
  let stoppedBy: keyof typeof SIGNAL_EXIT_CODES | null = null;
  const stop = (signal: keyof typeof SIGNAL_EXIT_CODES) => {
    // A second Ctrl-C means "now": every committed epoch is already safe on disk.
    if (stoppedBy) process.exit(SIGNAL_EXIT_CODES[signal]);
    stoppedBy = signal;
    process.stderr.write(`\n${signal}: stopping, marking runs in flight as interrupted (rerun to resume)\n`);
    controller.abort();
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, stop);

  // Why the workers train on wasm (or the reference) rather than native kernels, if they do.
  const notice = kernelsNotice();
  if (notice) process.stderr.write(`${notice}\n`);
  const progress = process.stdout.isTTY ? new LiveProgress(plan.name) : new PlainProgress(plan.name);
  const result = await runSweep(plan, {
    dbPath: command.dbPath,
    workers: command.workers,
    newVersion: command.newVersion,
    signal: controller.signal,
    observer: progress,
  });
  process.stdout.write(formatSummary(result));
  if (stoppedBy) return SIGNAL_EXIT_CODES[stoppedBy];
  return result.ended.failed > 0 ? 1 : 0;
}

async function main(argv: string[]): Promise<number> {
  const command = parseCommand(argv);
  if (command.kind === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  return sweep(command);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (INPUT_ERRORS.some((kind) => err instanceof kind)) {
      process.stderr.write(`ablate: ${(err as Error).message}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`ablate: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 1;
    }
  },
);
