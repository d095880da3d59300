// The pruning benchmark of experiments/README.md (Pruning): a sweep with sweep.prune, then the same
// sweep with --no-prune, each a real `ablate sweep` process on its own fresh SQLite file, one after
// the other on this machine with the same --workers. Wall time: from the process's start to its
// exit (start-up and data preparation included, the same for both). Epochs trained: rows of each
// database's epochs table (one per run and epoch, so an epoch a parked run went on from is counted
// once), checked against the runs' epochs_done. Targets (issue 23): the pruned sweep trains at most
// 35% of the unpruned sweep's epochs, and the unpruned sweep's honest winner (its closing report's,
// `summary.winner` of --json) is kept to the end by the pruned sweep, or else some group the pruned
// sweep kept is among the winner's ties (the groups the Holm-corrected tests cannot separate from it).
// The databases (about 180 MB, checkpoints included) are removed at the end unless --keep.
// Usage: tsx packages/runner/bench/prune.ts [sweep.yaml] [--workers 2] [--keep] (about 3 minutes on 2 cores)
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { cpus, loadavg, release } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openForReading } from '../src/db/index.ts';
import type { SweepResult } from '../src/sweep/run-sweep.ts';
import { groupLabel, type GroupSummary } from '../src/sweep/seed-groups.ts';
import { standingOf } from '../src/view/winner.js';
import { startCli, tempDir } from '../test/helpers/cli.ts';

/** The share of the unpruned sweep's epochs the pruned one may train (issue 23). */
const EPOCH_TARGET = 0.35;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { workers: { type: 'string', default: '2' }, keep: { type: 'boolean', default: false } },
});
const file = path.resolve(
  positionals[0] ?? path.join(import.meta.dirname, '../../../experiments/prune-halving.yaml'),
);
const workers = values.workers;
const dir = tempDir('bench-prune');

/** The CPU as lscpu names it (model name, family, model), else as Node does. */
function cpuName(): string {
  try {
    const fields = Object.fromEntries(
      execFileSync('lscpu', { encoding: 'utf8' })
        .split('\n')
        .map((line) => line.split(/:\s+/, 2).map((part) => part.trim())),
    );
    return `${fields['Model name']} (family ${fields['CPU family']} model ${fields['Model']}), ${fields['CPU(s)']} CPUs`;
  } catch {
    return `${cpus()[0]?.model}, ${cpus().length} CPUs`;
  }
}

/** Runs `ablate sweep` to its end: its --json closing report and its wall time. */
async function timeSweep(db: string, extra: string[]): Promise<{ result: SweepResult; seconds: number }> {
  const t0 = performance.now();
  const { code, stdout, stderr } = await startCli([
    'sweep',
    file,
    '--db',
    db,
    '--workers',
    workers,
    '--json',
    ...extra,
  ]).done;
  const seconds = (performance.now() - t0) / 1000;
  if (code !== 0) throw new Error(`ablate sweep ${extra.join(' ')} exited ${code}:\n${stderr}`);
  return { result: JSON.parse(stdout) as SweepResult, seconds };
}

/**
 * Epochs trained, as the database records them, their summed wall times (epochs.seconds: training
 * and evaluation, without start-up or waits at a rung) and the kernel sets that trained them.
 */
async function epochsIn(db: string): Promise<{ epochs: number; seconds: number; kernels: string }> {
  const reader = await openForReading(db);
  try {
    const rows = await reader.get<{ n: number; seconds: number }>(
      'SELECT COUNT(*) AS n, SUM(seconds) AS seconds FROM epochs WHERE epoch >= 1',
    );
    const runs = await reader.get<{ done: number; continued: number; kernels: string }>(
      `SELECT SUM(epochs_done) AS done, COUNT(continued_from) AS continued,
              GROUP_CONCAT(DISTINCT kernels) AS kernels FROM runs`,
    );
    // A run continued from a shorter one holds copies of its first epochs: not trained again, and
    // not expected in a fresh database of one sweep whose runs all train the same epochs.
    if (runs!.continued > 0) throw new Error(`${db}: ${runs!.continued} runs continued a shorter run`);
    if (rows!.n !== runs!.done)
      throw new Error(`${db}: ${rows!.n} epoch rows but the runs' epochs_done sum to ${runs!.done}`);
    return { epochs: rows!.n, seconds: rows!.seconds, kernels: runs!.kernels };
  } finally {
    await reader.close();
  }
}

/** The rung a group was pruned at, as its runs' decisions record it (prune_decisions). */
async function prunedAt(db: string, groupId: string): Promise<number | undefined> {
  const reader = await openForReading(db);
  try {
    const row = await reader.get<{ rung: number }>(
      'SELECT MIN(d.rung) AS rung FROM prune_decisions d JOIN runs r ON r.id = d.run_id WHERE r.group_id = ?',
      [groupId],
    );
    return row?.rung;
  } finally {
    await reader.close();
  }
}

const [prunedDb, fullDb] = [path.join(dir, 'pruned.db'), path.join(dir, 'unpruned.db')];
const loadBefore = loadavg();
const pruned = await timeSweep(prunedDb, []);
const full = await timeSweep(fullDb, ['--no-prune']);
const loadAfter = loadavg();
const [prunedEpochs, fullEpochs] = await Promise.all([epochsIn(prunedDb), epochsIn(fullDb)]);

const fixed = (x: number, digits = 3) => x.toFixed(digits);
const loads = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
const epochRatio = prunedEpochs.epochs / fullEpochs.epochs;
const { summary, pruning } = pruned.result;
const honest = full.result.summary.winner;
/** Groups the pruned sweep kept past its last rung: none of their runs pruned (a rule prunes a group whole). */
const kept = summary.groups.filter((group) => group.pruned === 0);
const labelsOf = (groups: readonly GroupSummary[]) =>
  groups.map((group) => groupLabel(summary.varying, group.params)).join('; ') || 'none';

console.log(
  `sweep: ${positionals[0] ?? path.relative(process.cwd(), file)}, ${summary.groups.length} groups, ${workers} workers each`,
);
console.log(`databases: ${dir}${values.keep ? '' : ' (removed at the end; --keep keeps them)'}`);
console.log(`CPU: ${cpuName()}; Node ${process.version}, Linux ${release()}`);
console.log(`kernel set: ${prunedEpochs.kernels} (pruned), ${fullEpochs.kernels} (unpruned)`);
console.log(`load average (1, 5, 15 min): ${loads(loadBefore)} before, ${loads(loadAfter)} after`);
console.log(
  `epochs trained (rows of the epochs table, = sum of runs.epochs_done), pruned: ${prunedEpochs.epochs}`,
);
console.log(`epochs trained, unpruned (--no-prune): ${fullEpochs.epochs}`);
console.log(`epochs, pruned / unpruned: ${fixed(epochRatio)}`);
console.log(`wall time, pruned: ${fixed(pruned.seconds, 1)} s`);
console.log(`wall time, unpruned: ${fixed(full.seconds, 1)} s`);
console.log(`wall time, pruned / unpruned: ${fixed(pruned.seconds / full.seconds)}`);
console.log(
  `epoch seconds summed (epochs.seconds), pruned / unpruned: ${fixed(prunedEpochs.seconds, 1)} s / ` +
    `${fixed(fullEpochs.seconds, 1)} s = ${fixed(prunedEpochs.seconds / fullEpochs.seconds)}`,
);
console.log(
  `runs parked waiting for a decision (--json pruning): ${pruning?.parked} time(s), ` +
    `${pruning?.stillParked} still parked`,
);
console.log(`groups the pruned sweep kept past its last rung: ${kept.length} (${labelsOf(kept)})`);
if (!honest.winner) throw new Error(`the unpruned sweep has no winner: ${honest.reason}`);
const winner = honest.winner;
console.log(
  `unpruned winner (summary.winner): ${winner.label}: ${summary.metric} ${fixed(winner.mean, 4)} ± ` +
    `${fixed(winner.std, 4)}; tied with it: ${honest.ties.length} group(s)`,
);
const winnerKept = kept.some((group) => group.groupId === winner.key);
const tiedKept = kept.filter((group) => standingOf(honest, group.groupId) === 'tied');
if (winnerKept) console.log('unpruned winner in the pruned sweep: kept');
else
  console.log(
    `unpruned winner in the pruned sweep: pruned at epoch ${await prunedAt(prunedDb, winner.key)}; ` +
      `kept groups among its ties: ${tiedKept.length} (${labelsOf(tiedKept)})`,
  );
const own = summary.winner.winner;
console.log(
  `pruned sweep's own winner: ${own?.label ?? 'none'} (${(own && standingOf(honest, own.key)) ?? 'unranked'} in the unpruned sweep)`,
);
const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');
console.log(
  `${verdict(epochRatio <= EPOCH_TARGET)}: epochs ${fixed(100 * epochRatio, 1)}% of the unpruned sweep's ` +
    `(target at most ${100 * EPOCH_TARGET}%)`,
);
const outcome = winnerKept
  ? 'kept'
  : tiedKept.length > 0
    ? 'pruned, but a kept group is tied with it'
    : 'pruned, and no kept group is tied with it';
console.log(
  `${verdict(winnerKept || tiedKept.length > 0)}: the unpruned winner is ${outcome} ` +
    `(target: kept, or a kept group among its Holm-corrected ties)`,
);
if (!values.keep) rmSync(dir, { recursive: true });
