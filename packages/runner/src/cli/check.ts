// `ablate check FILE [path=value ...]`: the gradient check a sweep's custom components get before
// they train, on demand, with its table.
import { loadSweep } from '../config/index.ts';
import { checkComponents, formatChecks } from '../sweep/check-components.ts';
import { prepareSweepData } from '../sweep/sweep-data.ts';
import { parseCommandArgs, sweepFile, UsageError } from './args.ts';
import { command } from './command.ts';

const USAGE = `usage: ablate check <config.yaml> [path=value ...] [--all]

Compares the backward of every custom component the sweep file names (model.layers, activation,
outputActivation, loss given as { file: ./x.ts }) with central differences of its forward, for
every parameter and the input gradient, at the initial weights of the first run of each distinct
model, on the first mini-batch of its training data. Prints a table: per tensor, the largest
relative error, where it is, the analytic and numeric gradients there. The same check runs before
\`ablate sweep\` trains anything (--no-check skips it there). Loading a custom file runs its code.

  --all            check the built-in components too
  -h, --help       this text

exit codes: 0 every check passed, 2 a check failed (one line naming the file, the component and
the tensor, then the table) or bad input; nothing is written either way`;

async function check(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('check', args, {
    all: { type: 'boolean', default: false },
  });
  const [file, ...overrides] = positionals;
  if (!file)
    throw new UsageError('check: missing the sweep file, e.g. experiments/custom-layer/my-dense.yaml');
  const plan = loadSweep(sweepFile(file), { overrides });
  const checks = await checkComponents(plan, prepareSweepData(plan), values.all);
  if (checks.length === 0) {
    process.stdout.write(`${plan.name}: no custom components to check (--all checks the built-in ones)\n`);
    return 0;
  }
  process.stdout.write(`${formatChecks(checks)}\n`);
  return 0;
}

export const checkCommand = command(
  'check',
  "gradient-check a sweep's custom layers, activations, losses",
  USAGE,
  check,
);
