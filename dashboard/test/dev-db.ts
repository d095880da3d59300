// Fills a results database with a made-up sweep (init x momentum x 3 seeds, one diverged run) for
// working on the dashboard without training: `npx tsx dashboard/test/dev-db.ts results/dev.db`.
// The tests use a real smoke sweep instead (see global-setup.ts).
import { createHash } from 'node:crypto';
import { openForWriting } from '@ablate/runner/store';

const EPOCHS = 30;
const inits = ['he_normal', 'glorot_uniform'];
const momenta = [0, 0.9];
const seeds = [1, 2, 3];

const hash = (value: unknown) =>
  createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);

export async function fillDevDb(path: string): Promise<void> {
  const db = await openForWriting(path);
  const now = new Date().toISOString();
  const varying = ['train.init', 'train.momentum', 'seed'];
  const { lastID: sweepId } = await db.run(
    `INSERT INTO sweeps (name, config_hash, config_path, config_yaml, config_json, varying_json, created_at, updated_at, ablate_version)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      'dev-ablation',
      hash(now),
      'experiments/dev.yaml',
      'name: dev-ablation\n',
      '{}',
      JSON.stringify(varying),
      now,
      now,
      '0.1.0',
    ],
  );
  let position = 0;
  for (const init of inits) {
    for (const momentum of momenta) {
      for (const seed of seeds) {
        const config = {
          model: { hidden: [64], activation: 'relu' },
          train: { init, momentum, lr: 0.1, epochs: EPOCHS },
          seed,
        };
        const id = hash(config);
        const diverged = init === 'glorot_uniform' && momentum === 0.9 && seed === 3;
        const epochs = diverged ? 7 : EPOCHS;
        await db.run(
          `INSERT INTO runs (id, group_id, seed, label, config_json, status, epochs_planned, epochs_done, diverged_epoch,
                             ablate_version, created_at, started_at, finished_at, wall_seconds)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '0.1.0', ?, ?, ?, ?)`,
          [
            id,
            hash({ ...config, seed: 0 }),
            seed,
            `init=${init} momentum=${momentum} seed=${seed}`,
            JSON.stringify(config),
            diverged ? 'diverged' : 'finished',
            EPOCHS,
            epochs,
            diverged ? epochs : null,
            now,
            now,
            now,
            epochs * 0.4,
          ],
        );
        await db.run('INSERT INTO sweep_runs (sweep_id, run_id, position, params_json) VALUES (?, ?, ?, ?)', [
          sweepId,
          id,
          position++,
          JSON.stringify({ 'train.init': init, 'train.momentum': momentum, seed }),
        ]);
        const speed = (init === 'he_normal' ? 0.25 : 0.18) * (momentum ? 1.6 : 1) * (1 + 0.05 * seed);
        let last = { trainLoss: 0, trainAcc: 0, valLoss: 0, valAcc: 0 };
        for (let epoch = 1; epoch <= epochs; epoch++) {
          const noise = Math.sin(epoch * 7 + seed * 13) * 0.01;
          const blownUp = diverged && epoch === epochs;
          last = {
            trainLoss: blownUp ? 1e6 : 2.3 * Math.exp(-speed * epoch) + 0.05 + noise,
            trainAcc: 0.1 + 0.88 * (1 - Math.exp(-speed * epoch)) + noise,
            valLoss: blownUp ? NaN : 2.3 * Math.exp(-speed * epoch * 0.9) + 0.1 + noise,
            valAcc: 0.1 + 0.85 * (1 - Math.exp(-speed * epoch * 0.9)) - noise,
          };
          await db.run('INSERT INTO epochs VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
            id,
            epoch,
            last.trainLoss,
            last.trainAcc,
            Number.isNaN(last.valLoss) ? null : last.valLoss,
            last.valAcc,
            0.1,
            0.4,
          ]);
          for (const [layer, name] of ['dense_0', 'dense_1'].entries()) {
            await db.run('INSERT INTO layer_stats VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
              id,
              epoch,
              layer,
              name,
              0.3 / (layer + 1) + noise,
              0.8 - 0.01 * epoch,
              1e-4 * noise,
              0.02 / epoch,
            ]);
          }
        }
        if (!diverged) {
          const confusion = Array.from({ length: 10 }, (_, t) =>
            Array.from({ length: 10 }, (_, p) => (t === p ? 90 + seed : (t + p + seed) % 3)),
          );
          const perClass = confusion.map((row, c) => ({
            precision: 0.9,
            recall: row[c] / row.reduce((a, b) => a + b),
            f1: 0.9,
            support: row.reduce((a, b) => a + b),
          }));
          await db.run('INSERT INTO test_results VALUES (?, ?, ?, ?, ?)', [
            id,
            last.valLoss,
            last.valAcc - 0.01,
            JSON.stringify(confusion),
            JSON.stringify(perClass),
          ]);
        }
      }
    }
  }
  await db.close();
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  await fillDevDb(process.argv[2] ?? 'results/dev.db');
}
