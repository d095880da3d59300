// Ablate from TypeScript: plan a sweep from an object, train it with an observer of your own, and
// read its results back through the store. From the repository root:
//
//   npx tsx packages/runner/examples/api.ts [DATABASE]
//
// DATABASE is a SQLite file (default api-example.db in the current folder) or a postgresql:// URL.
// Running it again trains nothing: the runs are done.
import { openReader, planSweep, runSweep, type SweepObserver } from '@ablate/runner';

const dbPath = process.argv[2] ?? 'api-example.db';

// A sweep file's keys as an object: a mistake throws a ConfigError naming its key path, and
// nothing is written.
const plan = planSweep({
  name: 'api-example',
  data: { source: { kind: 'mnist' }, subset: { first: 400 }, testSubset: { first: 200 }, validation: 80 },
  model: { hidden: [16] },
  train: { epochs: 2, batchSize: 32 },
  sweep: { grid: { 'train.lr': [0.05, 0.2] }, seeds: 2 },
});

// Every method is optional; each event arrives once the store has been handed its write.
const printer: SweepObserver = {
  runEnded(_thread, run, outcome) {
    const test = outcome.status === 'finished' ? `, test acc ${outcome.test.accuracy.toFixed(4)}` : '';
    console.log(`trained ${run.id} (${run.label}): ${outcome.status}${test}`);
  },
};

const result = await runSweep(plan, { dbPath, observers: [printer] });
console.log(
  `sweep #${result.sweepId}: ${result.ended.finished} finished now, ${result.skipped} already done`,
);

const reader = await openReader(dbPath);
try {
  // In plan order; rank 1 is the best run, as `ablate ls` and the dashboard name it.
  for (const run of await reader.sweepRuns(result.sweepId))
    console.log(
      `${run.id} (${run.label}): ${run.status}, final val acc ${run.results.final_val_acc?.toFixed(4)}, rank ${run.rank}`,
    );
} finally {
  await reader.close();
}
