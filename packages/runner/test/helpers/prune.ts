// A pruned sweep and what the tests of pruning compare: SQLite's (prune-sweep.test.ts) and
// PostgreSQL's (pg/prune.test.ts).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { withDb } from './cli.ts';
import { results } from './results.ts';

export const GROUPS = 6;
export const SEEDS = 2;

/** The learning rates of pruneSweep's groups, in plan order. */
export const LRS = [0.3, 0.01, 0.1, 0.003, 1.0, 0.03];

/** Six learning rates (by default LRS) over two seeds, 4 epochs on spirals, with this prune rule. */
export function pruneSweep(dir: string, prune: string, lrs = LRS): string {
  const file = path.join(dir, 'pruned.yaml');
  writeFileSync(
    file,
    `name: pruned
data:
  source: { kind: spirals }
  validation: 0.2
model:
  hidden: [8]
train:
  epochs: 4
  batchSize: 32
sweep:
  grid:
    train.lr: [${lrs.join(', ')}]
  seeds: ${SEEDS}
  prune: ${prune}
`,
  );
  return file;
}

/** Halving from epoch 1 by 2: rungs 1 and 2. */
export const HALVING = '{ name: halving, metric: val_loss, minEpochs: 1, eta: 2 }';

/** Every stored number of a SQLite file, and every run's status and the decision that pruned it. */
export async function pruned(dbPath: string) {
  return {
    results: await results(dbPath),
    decisions: await withDb(dbPath, (db) =>
      db.all(
        `SELECT r.id, r.status, r.epochs_done, r.parked_at, p.rule, p.metric, p.rung, p.value, p.threshold
           FROM runs r LEFT JOIN prune_decisions p ON p.run_id = r.id ORDER BY r.id`,
      ),
    ),
  };
}
