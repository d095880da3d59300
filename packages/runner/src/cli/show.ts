// `ablate show RUN`: one run as the database holds it: what it is, how it ended, where it belongs,
// what people said about it.
import { stringify } from 'yaml';
import type { RunConfig } from '../config/index.ts';
import { RUN_RESULTS, runDiagnosis } from '../db/index.ts';
import { describeTestEpoch, keptEpoch } from '../view/early-stop.js';
import { summarizeSweep } from '../sweep/seed-groups.ts';
import { standingOf, type Standing } from '../view/winner.js';
import type { Diagnosis } from '../view/diagnosis.js';
import { DEFAULT_DB, parseCommandArgs, UsageError } from './args.ts';
import { command } from './command.ts';
import { DbOption, findRun, withReader } from './results-args.ts';
import { describePrunedAt } from '../view/prune.js';

const USAGE = `usage: ablate show RUN [--db PATH] [--json]

Prints a run of the results database (default ${DEFAULT_DB}): RUN is its id or its first digits
(at least 4). Its status, results, sweeps (and where its group stands against each sweep's
winner), tags, notes and full config.

A run that does not learn (status stalled: its train loss stopped moving, train.stall; or a
finished run of a version-6 database whose loss was flat) is diagnosed in a sentence from its last
epoch's layer statistics (vanishing gradients, dead ReLUs, too small a step, a plateau), with the
statistic behind the verdict per layer.

--json  one JSON document on stdout instead: {run, results, test, sweeps, tags, notes, diagnosis,
        pruned, config}
        run: the runs table's columns (id, group_id, seed, label, status, error, epochs_planned,
          epochs_done, diverged_epoch, data_fingerprint, code_version, ablate_version, kernels,
          continued_from (the shorter run it went on from, or null), created_at, started_at,
          finished_at, wall_seconds)
        results: {${RUN_RESULTS.join(', ')}, best_epoch} or null
        test: {loss, accuracy, confusion ([true][predicted] counts),
          perClass [{precision, recall, f1, support}]} or null (a run neither finished nor stalled)
        sweeps: [{id, name, params (this run's values of what the sweep varies), standing
          (its group against the sweep's winner: "winner", "tied" (Holm-corrected tests cannot
          separate them at p < 0.05), "behind", "one seed", or null), winner (the winner's label
          and mean, or null)}]
        tags: [words], sorted; notes: [{text, createdAt}], oldest first; config: the run's config
        diagnosis: {verdict: "stalled", cause, sentence, statistic: {name (grad_std, act_std,
          dead_fraction or update_ratio), values by layer}} or null
        pruned: the decision that pruned the run (sweep.prune): {rule, metric, rung, value (its
          group's mean there, null: a seed diverged), threshold (median, or the last group kept)}
          or null
        A number that is not finite (a diverged loss) is null.`;

const metric = (value: number | null) => (value === null ? '-' : value.toFixed(4));

/** The statistic behind a diagnosis, per layer: "dense0 (relu) 7.4e-10, dense1 (softmax) 1.6e-8". */
const statisticText = ({ name, values }: Diagnosis['statistic']) =>
  Object.entries(values)
    .map(
      ([layer, value]) =>
        `${layer} ${name === 'dead_fraction' ? `${(100 * value).toFixed(0)}%` : value.toExponential(1)}`,
    )
    .join(', ');

/** Where the run's group stands in a sweep, as show prints it. */
function standingText(standing: Standing | null, winner: { label: string } | null): string {
  if (!winner) return 'no winner yet';
  if (standing === 'winner') return 'its group is the winner';
  if (standing === 'tied') return `its group is tied with the winner, ${winner.label}`;
  if (standing === 'behind') return `its group is behind the winner, ${winner.label}`;
  if (standing === 'one seed') return 'its group has one finished seed: not compared';
  return 'its group has no finished run';
}

async function show(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('show', args, {
    db: { type: 'string' },
    json: { type: 'boolean', default: false },
  });
  if (positionals.length !== 1)
    throw new UsageError('show: expected one run id (see ablate ls and the dashboard)');
  return withReader(new DbOption('show', values.db), async (reader) => {
    const id = await findRun(reader, positionals[0]);
    const [run, results, test, memberOf, notes, tags, epochs] = await Promise.all([
      reader.run(id),
      reader.runResults(id),
      reader.testResult(id),
      reader.sweepsOfRun(id),
      reader.notes(id),
      reader.tags(id),
      reader.epochsOfRuns([id]),
    ]);
    if (!run) throw new UsageError(`run ${id}: not in the database`);
    const sweeps = await Promise.all(
      memberOf.map(async (sweep) => {
        const result = (await summarizeSweep(reader, sweep.id)).winner;
        const { winner } = result;
        const standing = standingOf(result, run.group_id);
        return { ...sweep, standing, winner: winner && { label: winner.label, mean: winner.mean } };
      }),
    );
    const diagnosis = await runDiagnosis(reader, run, epochs, test);
    const pruned = await reader.pruneDecision(id);
    if (values.json) {
      const { config, ...columns } = run;
      process.stdout.write(
        `${JSON.stringify({ run: columns, results, test, sweeps, tags, notes, diagnosis, pruned, config })}\n`,
      );
      return 0;
    }
    const lines = [
      `run ${run.id}  ${run.label}`,
      `status: ${run.status}${run.error ? ` (${run.error})` : ''}, ${run.epochs_done}/${run.epochs_planned} epochs${run.wall_seconds === null ? '' : `, ${run.wall_seconds.toFixed(1)} s`}`,
      diagnosis && `diagnosis: ${diagnosis.sentence}`,
      diagnosis && `  ${diagnosis.statistic.name} by layer: ${statisticText(diagnosis.statistic)}`,
      pruned && describePrunedAt(pruned),
      `group: ${run.group_id}  seed: ${run.seed}  kernels: ${run.kernels ?? '-'}  code: ${run.code_version ?? '-'}`,
      run.continued_from &&
        `continued from run ${run.continued_from} (its epochs 1 to its last, not trained again)`,
      results &&
        `final (epoch ${epochs.length}): train acc ${metric(results.final_train_acc)}, val acc ${metric(results.final_val_acc)}; best val acc ${metric(results.best_val_acc)}; test acc ${metric(results.test_acc)}${run.status === 'finished' ? describeTestEpoch(keptEpoch(epochs, (run.config as RunConfig).train.earlyStop), epochs.length, run.epochs_planned) : ''}`,
      `sweeps: ${sweeps.map((sweep) => `#${sweep.id} ${sweep.name} (${standingText(sweep.standing, sweep.winner)})`).join(', ') || '-'}`,
      `tags: ${tags.join(' ') || '-'}`,
      ...notes.map((note) => `note (${note.createdAt.slice(0, 19).replace('T', ' ')} UTC): ${note.text}`),
      'config:',
      stringify(run.config).trimEnd().replace(/^/gm, '  '),
    ];
    process.stdout.write(`${lines.filter((line) => line).join('\n')}\n`);
    return 0;
  });
}

export const showCommand = command(
  'show',
  'print one run: status, results, sweeps, tags, notes, config',
  USAGE,
  show,
);
