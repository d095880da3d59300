// A sweep trained longer: the same file with train.epochs 3 -> 6 (an override, recorded as a new
// version) continues each run from the checkpoint of its finished 3-epoch run, training only epochs
// 4 to 6 (the first three rows are the shorter run's, copied, wall times included), and ends equal,
// bit for bit, to the 6-epoch sweep trained from scratch; on each kernel set, with every knob that
// carries state between epochs. Runs with a cosine schedule, whose lr depends on the total, are
// trained from epoch 1. The dry run says how many runs continue and what that saves.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { knobsSweep, runCli, tempDir, withDb } from './helpers/cli.ts';
import { results } from './helpers/results.ts';

const SWEEP = knobsSweep(
  'longer',
  `train:
  epochs: 3
  batchSize: 32
  lr: 0.05
  clipGradNorm: 2
  earlyStop: { metric: val_loss, patience: 3, restoreBest: true }
sweep:
  grid:
    train.schedule:
      - { name: step, every: 2, gamma: 0.5, warmupEpochs: 1 }
      - { name: cosine, minLr: 0.01 }
    train.optimizer: [momentum, adam]
  seeds: 1
`,
);

type Row = { run_id?: string; id?: string };

/** Every stored number of these runs only (the database holds the shorter runs too). */
async function resultsOf(dbPath: string, ids: ReadonlySet<string>) {
  return (await results(dbPath)).map((rows) =>
    (rows as Row[]).filter((row) => ids.has((row.run_id ?? row.id)!)),
  );
}

describe.each(['native', 'wasm', 'reference'])('a sweep trained longer on the %s kernels', (kernelSet) => {
  it('continues each run from its shorter run and equals the longer sweep trained from scratch', async () => {
    const dir = tempDir(`longer-${kernelSet}`);
    const file = path.join(dir, 'longer.yaml');
    writeFileSync(file, SWEEP);
    const env = { ABLATE_KERNELS: kernelSet };
    const dbPath = path.join(dir, 'results.db');
    const freshPath = path.join(dir, 'fresh.db');
    const fresh = runCli(['sweep', file, 'train.epochs=6', '--db', freshPath, '--workers', '1'], env);
    const short = await runCli(['sweep', file, '--db', dbPath, '--workers', '1'], env);
    expect(short.code, short.stderr).toBe(0);

    const dry = await runCli(['sweep', file, 'train.epochs=6', '--db', dbPath, '--dry-run'], env);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(
      '2 runs continue from the last checkpoint of a shorter finished run: 6 of 24 epochs not trained again.',
    );
    expect(dry.stdout).toContain('2 runs with a cosine schedule start from epoch 1');

    const longer = await runCli(['sweep', file, 'train.epochs=6', '--db', dbPath, '--new-version'], env);
    expect(longer.code, longer.stderr).toBe(0);
    expect((await fresh).code).toBe(0);

    const runs = await withDb(dbPath, (db) =>
      db.all<{ id: string; continued_from: string | null; config_json: string }>(
        'SELECT id, continued_from, config_json FROM runs WHERE epochs_planned = 6 ORDER BY id',
      ),
    );
    expect(runs).toHaveLength(4);
    const freshIds = await withDb(freshPath, (db) =>
      db.all<{ id: string }>('SELECT id FROM runs ORDER BY id'),
    );
    expect(runs.map((run) => run.id)).toEqual(freshIds.map((run) => run.id));
    for (const run of runs) {
      const cosine = run.config_json.includes('"cosine"');
      expect(run.continued_from === null).toBe(cosine);
      if (cosine) continue;
      // The first three epochs are the shorter run's rows, wall times included: not trained again.
      const epochs = (id: string) =>
        withDb(dbPath, (db) =>
          db.all(
            'SELECT epoch, train_loss, val_loss, lr, seconds FROM epochs WHERE run_id = ? AND epoch <= 3 ORDER BY epoch',
            [id],
          ),
        );
      expect(await epochs(run.id)).toEqual(await epochs(run.continued_from!));
      const shown = await runCli(['show', run.id, '--db', dbPath]);
      expect(shown.stdout).toContain(`continued from run ${run.continued_from}`);
    }
    expect(await resultsOf(dbPath, new Set(runs.map((run) => run.id)))).toEqual(await results(freshPath));

    // Once trained, the longer sweep's dry run continues nothing more.
    const again = await runCli(['sweep', file, 'train.epochs=6', '--db', dbPath, '--dry-run', '--json'], env);
    const plan = JSON.parse(again.stdout) as { runs: Array<{ continues: unknown }> };
    expect(plan.runs.map((run) => run.continues)).toEqual([null, null, null, null]);
  }, 120_000);
});
