// The CLI for the PostgreSQL tests: `worker` and `export` (cli/worker.ts, cli/export.ts) until the
// main dispatcher lists them, every other command through src/cli.ts.
import { ConfigError } from '../../src/config/index.ts';
import { exportSweepCommand } from '../../src/cli/export.ts';
import { UsageError } from '../../src/cli/args.ts';
import { workerCommand } from '../../src/cli/worker.ts';
import { SweepInputError } from '../../src/sweep/run-sweep.ts';

const [name, ...args] = process.argv.slice(2);
const command = [workerCommand, exportSweepCommand].find((c) => c.name === name);
if (!command) await import('../../src/cli.ts');
else
  command.run(args).then(
    (code) => (process.exitCode = code),
    (err: unknown) => {
      const input = [UsageError, ConfigError, SweepInputError].some((kind) => err instanceof kind);
      process.stderr.write(
        `ablate: ${input ? (err as Error).message : ((err as Error).stack ?? String(err))}\n`,
      );
      process.exitCode = input ? 2 : 1;
    },
  );
