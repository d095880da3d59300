// `ablate sweep FILE [path=value ...]`: plans the sweep file and trains the runs not yet done.
import { kernels } from '@ablate/tensor';
import { formatPlan, loadSweep, type SweepPlan } from '../config/index.ts';
import { DEFAULT_LEASE_SECONDS, NoResultsError, openReader } from '../db/index.ts';
import { dbLocation, DEFAULT_DB, parseCommandArgs, positiveInteger, sweepFile, UsageError } from './args.ts';
import { command } from './command.ts';
import { DB_RETRY_OPTION, DB_RETRY_USAGE, dbRetry } from './db-retry.ts';
import { BAD_INPUT_EXIT, DB_UNAVAILABLE_EXIT, STORAGE_FAULT_EXIT } from './exit-codes.ts';
import { capNote, NOTHING_CONTINUED, planJson, type PlanContinuations } from '../config/format.ts';
import { formatReport, WINNER_JSON } from './report.ts';
import { estimateRuns } from './timings.ts';
import { trainPlan } from './train-plan.ts';

const USAGE = `usage: ablate sweep <config.yaml> [path=value ...] [options]

Expands the sweep file into runs and trains those not yet done, recording every epoch in the
results database. Rerunning resumes: finished, stalled, diverged and pruned runs are kept,
interrupted and failed ones are redone. A run whose train loss stops moving (train.stall) ends
stalled there, evaluated and stored, with a diagnosis of why on stderr. With sweep.prune, hopeless
groups stop at a rung (experiments/README.md). With --db postgresql://..., the sweep is shared: this process trains runs like
any \`ablate worker\` on any machine and returns when the whole sweep is done, whoever trained it.
Relative paths (the default database's too) are taken from the folder the command was typed in.

path=value       override the file: train.lr=0.1, sweep.seeds=5, model.hidden=[256,128]
                 (values are YAML; recorded with the sweep)
options:
  --db PATH        results database (default ${DEFAULT_DB}); one sweep at a time may write it
  --workers N      training threads (default: one per core, at most one per run to train)
  --max-runs N     run the first N runs in plan order (in place of sweep.maxRuns); without a cap,
                   a sweep of over 200 runs is refused
  --dry-run        print the planned runs with time estimates, and how many continue shorter
                   runs of the database (their first epochs not trained again); write nothing
  --json           print the closing report (or, with --dry-run, the plan) as one JSON document
                   on stdout, its fields below; progress stays on stderr
  --new-version    record a changed config under an existing sweep name as a new version
  --kernels NAME   on a shared PostgreSQL database: require this kernel set (as runs record it,
                   e.g. native-avx512) of every worker, for results equal bit for bit
  --lease-seconds N  on PostgreSQL: how long a claimed run stays this process's without a sign of
                   life (default ${DEFAULT_LEASE_SECONDS}) before another worker may claim it again
  --no-check       train custom components without their gradient check (see ablate check),
                   to see what a wrong backward does to a run
  --no-prune       ignore sweep.prune: every run trains to its last epoch, pruned and parked runs
                   going on from their checkpoints (the results of a sweep that never pruned);
                   a SQLite file only
${DB_RETRY_USAGE}
  -h, --help       this text

Progress goes to stderr (plain lines unless it is a terminal; NO_COLOR and TERM=dumb respected),
the closing report to stdout.

--json: the closing report is the SweepResult that runSweep resolves to (see the README):
  sweepId       the sweep's number (ablate ls, rm, the dashboard)
  dbPath        the results database, a URL's password redacted
  ended         runs this invocation trained, by how they ended: {finished, stalled, diverged,
                pruned, failed, interrupted}
  skipped       runs already ended (finished, stalled, diverged, pruned); recovered: runs a dead
                process left running
  interrupted   true when SIGINT / SIGTERM stopped the sweep before every run ended
  pruning       null without sweep.prune (or with --no-prune); else {parked: times a run waited
                at a rung for runs its decision reads, stillParked: runs left waiting at the end}
  summary       the table: {metric ("val acc", or "test acc" without a validation set), varying
                (the params that vary, seed aside), groups, winner, best}; a group is one config
                over its seeds: {groupId, params, runs, mean, std (of the metric over its finished
                runs, null when none), finished, stoppedEarly (finished runs early stopping ended,
                final values of the epoch it stopped at), stalled (runs the stall rule ended:
                apart from finished, like diverged), diverged, pruned, failed, unfinished}; winner:
                the best group and those
                Holm-corrected tests cannot separate from it,
                ${WINNER_JSON};
                best: the best single run {runId, label, accuracy}, null while none has finished
--dry-run --json: {name, path, total (runs before any cap), runs}, each run {id, label, params
  (seed included), seed, position (in plan order), epochs, estimatedSeconds (null: no estimate),
  continues ({from: run id, epochs: its epochs, not trained again} or null)}
Progress lines and the report show only what the database has committed.
exit codes: 0 every run ended (finished, stalled or diverged), 1 some runs failed, ${BAD_INPUT_EXIT} bad input or a
database another sweep is writing (nothing written), ${STORAGE_FAULT_EXIT} the database stopped taking writes
(a full disk, read-only, locked by another program: one line says what to do; stored runs kept,
rerun to resume), ${DB_UNAVAILABLE_EXIT} a PostgreSQL server away past --db-retry-seconds (committed epochs
kept), 130 / 143 stopped by SIGINT / SIGTERM (finished epochs kept; rerun to resume)`;

/**
 * What the plan would continue in the database (read only; nothing when there is none yet): the
 * runs a claim on this machine's kernels would continue from a shorter finished run.
 */
async function continuationsIn(db: string, plan: SweepPlan): Promise<PlanContinuations> {
  const reader = await openReader(db).catch((err: unknown) => {
    if (err instanceof NoResultsError) return null;
    throw err;
  });
  if (!reader) return NOTHING_CONTINUED;
  try {
    return {
      runs: await reader.continuations(plan.runs, kernels().name),
      earlierVersion: (await reader.sweepsNamed(plan.name)).some((v) => v.configHash !== plan.configHash),
    };
  } finally {
    await reader.close();
  }
}

/** A --json document: one line on stdout, as ls and show print theirs. */
function writeJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

async function sweep(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('sweep', args, {
    db: { type: 'string' },
    workers: { type: 'string' },
    'max-runs': { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    'new-version': { type: 'boolean', default: false },
    kernels: { type: 'string' },
    'lease-seconds': { type: 'string' },
    'no-check': { type: 'boolean', default: false },
    'no-prune': { type: 'boolean', default: false },
    ...DB_RETRY_OPTION,
  });
  const [file, ...overrides] = positionals;
  if (!file) throw new UsageError('sweep: missing the sweep file, e.g. experiments/smoke.yaml');
  const extra = overrides.find((arg) => !arg.includes('='));
  if (extra !== undefined)
    throw new UsageError(
      `sweep: unexpected argument "${extra}" (one sweep file at a time; overrides are path=value)`,
    );
  const plan = loadSweep(sweepFile(file), {
    maxRuns: positiveInteger('max-runs', values['max-runs']),
    overrides,
  });
  if (values['dry-run']) {
    const estimates = estimateRuns(plan.runs);
    const continuing = await continuationsIn(dbLocation(values.db), plan);
    if (values.json) writeJson(planJson(plan, estimates, continuing));
    else process.stdout.write(`${formatPlan(plan, estimates, continuing)}\n`);
    return 0;
  }
  if (plan.runs.length < plan.total) process.stderr.write(`${plan.name}: ${capNote(plan)}\n`);
  const { result, stopped } = await trainPlan(plan, {
    dbPath: dbLocation(values.db),
    threads: positiveInteger('workers', values.workers),
    newVersion: values['new-version'],
    kernels: values.kernels,
    leaseSeconds: positiveInteger('lease-seconds', values['lease-seconds']),
    ...dbRetry(values['db-retry-seconds']),
    check: !values['no-check'],
    noPrune: values['no-prune'],
  });
  if (values.json) writeJson(result);
  else process.stdout.write(formatReport(result));
  if (stopped !== null) return stopped;
  return result.ended.failed > 0 ? 1 : 0;
}

export const sweepCommand = command(
  'sweep',
  'plan a sweep file and train the runs not yet done',
  USAGE,
  sweep,
);
