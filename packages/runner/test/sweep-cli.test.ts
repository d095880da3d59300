// The CLI end to end on a tiny MNIST sweep: a sweep writes every table, a rerun is a no-op, a
// huge learning rate diverges without stopping the sweep, stored weights rebuild the model, a
// changed file under the same name is refused unless --new-version, bad input writes nothing.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { prepareData } from '@ablate/data';
import { Rng, Tensor } from '@ablate/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunConfig } from '../src/config/types.ts';
import { repoRoot } from './helpers/workspace.ts';
import { openAnnotator, openReader } from '../src/db/index.ts';
import { loadRunModel } from '../src/model/weights.ts';
import { count, runCli, tempDir, withDb, writeSweep, type CliResult } from './helpers/cli.ts';

const RUNS = 4; // lr 0.1 and 1e4, 2 seeds
const FINISHED = 2; // lr 1e4 diverges in epoch 1
const EPOCHS = 2;
const LAYERS = 2; // one hidden Dense layer and the output layer

describe('ablate sweep', () => {
  const dir = tempDir('sweep');
  const dbPath = path.join(dir, 'results.db');
  const sweepFile = writeSweep(dir, 'tiny.yaml', { epochs: EPOCHS });
  let first: CliResult;

  beforeAll(async () => {
    first = await runCli(['sweep', sweepFile, '--db', dbPath, '--workers', '2']);
  });

  it('trains every run and records epochs, results, test results and weights', async () => {
    // stderr carries the progress (plain lines, not a terminal) and nothing else.
    expect(first.stderr).toMatch(
      /^tiny: 4 runs, 0 already done, training 4 on 2 thread\(s\)\n(\[\d\/4\] .*\n){4}$/,
    );
    expect(first.code).toBe(0);
    expect(await count(dbPath, "SELECT * FROM runs WHERE status = 'finished'")).toBe(FINISHED);
    expect(await count(dbPath, 'SELECT * FROM epochs JOIN runs ON runs.id = run_id WHERE lr < 1')).toBe(
      FINISHED * EPOCHS,
    );
    // Every run records its untrained model as epoch 0; a diverged epoch records no statistics.
    expect(await count(dbPath, 'SELECT * FROM layer_stats WHERE epoch > 0')).toBe(FINISHED * EPOCHS * LAYERS);
    expect(await count(dbPath, 'SELECT * FROM layer_stats WHERE epoch = 0')).toBe(RUNS * LAYERS);
    // Final values are derived from the last epoch, test accuracy from test_results.
    expect(
      await count(
        dbPath,
        `SELECT * FROM run_results rr JOIN runs r ON r.id = rr.run_id JOIN test_results t ON t.run_id = r.id
          WHERE rr.final_val_acc = (SELECT val_acc FROM epochs e WHERE e.run_id = r.id AND e.epoch = ${EPOCHS})
            AND rr.test_acc = t.accuracy`,
      ),
    ).toBe(FINISHED);
    expect(await count(dbPath, 'SELECT * FROM test_results')).toBe(FINISHED);
    expect(await count(dbPath, 'SELECT * FROM weights')).toBe(FINISHED);
    expect(await count(dbPath, 'SELECT * FROM sweep_runs')).toBe(RUNS);
    const run = await withDb(dbPath, (db) =>
      db.get<Record<string, unknown>>("SELECT * FROM runs WHERE status = 'finished'"),
    );
    const { version } = JSON.parse(
      readFileSync(path.join(repoRoot, 'packages/runner/package.json'), 'utf8'),
    ) as {
      version: string;
    };
    expect(run).toMatchObject({ ablate_version: version, epochs_done: EPOCHS });
    expect(run?.kernels).toEqual(expect.any(String));
    expect(run?.data_fingerprint).toMatch(/^[0-9a-f]{16,}$/);
    // The commit of this checkout, marked when the training code has uncommitted changes.
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no', '--', 'packages'], {
      cwd: repoRoot,
      encoding: 'utf8',
    }).trim();
    expect(run?.code_version).toBe(dirty ? `${head}-dirty` : head);
    expect(first.stdout).toMatch(/best run: lr=0\.1 seed=\d/);
    expect(first.stdout).toContain(`results: ${dbPath}`);
  });

  it("names as best run the store's best, the one the dashboard lists: highest final val acc, first planned", async () => {
    const bestId = /best run: .* id ([0-9a-f]+)\)/.exec(first.stdout)?.[1];
    // From the raw tables: the finished runs by their last epoch's val acc, then plan position.
    const expected = await withDb(dbPath, (db) =>
      db.get<{ id: string }>(
        `SELECT r.id FROM runs r JOIN sweep_runs sr ON sr.run_id = r.id JOIN epochs e ON e.run_id = r.id
          WHERE r.status = 'finished' AND e.epoch = r.epochs_done ORDER BY e.val_acc DESC, sr.position LIMIT 1`,
      ),
    );
    expect(bestId).toBe(expected?.id);
    const store = await openReader(dbPath);
    try {
      expect((await store.sweepList())[0].best?.runId).toBe(bestId);
    } finally {
      await store.close();
    }
  });

  it("moves a reader's change token when another connection commits, and keeps it otherwise", async () => {
    const reader = await openReader(dbPath);
    try {
      const before = await reader.changeToken(1);
      expect(await reader.changeToken(1)).toBe(before);
      const [run] = await reader.sweepRuns(1);
      const annotator = await openAnnotator(dbPath);
      await annotator.tagRun(run.id, ['seen']);
      const tagged = await reader.changeToken(1);
      expect(tagged).not.toBe(before);
      await annotator.untagRun(run.id, ['seen']);
      await annotator.close();
      expect(await reader.changeToken(1)).not.toBe(tagged);
    } finally {
      await reader.close();
    }
  });

  it('records a huge learning rate as diverged, with its epoch, and goes on', async () => {
    const diverged = await withDb(dbPath, (db) =>
      db.all<{ diverged_epoch: number; error: string }>("SELECT * FROM runs WHERE status = 'diverged'"),
    );
    expect(diverged).toHaveLength(RUNS - FINISHED);
    for (const run of diverged) {
      expect(run.diverged_epoch).toBe(1);
      expect(run.error).toMatch(/train loss .* in epoch 1/);
    }
  });

  it('rebuilds a finished run from its stored weights with the same test accuracy', async () => {
    await withDb(dbPath, async (db) => {
      const row = await db.get<{
        id: string;
        config_json: string;
        data_fingerprint: string;
        accuracy: number;
      }>(
        "SELECT runs.id, config_json, data_fingerprint, accuracy FROM runs JOIN test_results ON run_id = runs.id WHERE status = 'finished' LIMIT 1",
      );
      const config = JSON.parse(row!.config_json) as RunConfig;
      const store = await openReader(dbPath);
      const model = await loadRunModel(store, row!.id).finally(() => store.close());
      const { test, fingerprint } = prepareData(config.data, Rng.derive(0, 'data'));
      expect(fingerprint).toBe(row!.data_fingerprint); // the very data the run was trained and tested on
      const evaluation = model.evaluate(
        new Tensor(test.x, [test.count, test.features]),
        new Tensor(test.y, [test.count, test.targets]),
      );
      expect(evaluation.accuracy).toBe(row!.accuracy);
    });
  });

  it('reruns as a no-op: nothing trained, nothing added', async () => {
    const before = await withDb(dbPath, (db) =>
      db.all('SELECT run_id, epoch, seconds FROM epochs ORDER BY run_id, epoch'),
    );
    const again = await runCli(['sweep', sweepFile, '--db', dbPath, '--workers', '2']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`trained nothing; ${RUNS} already done`);
    expect(
      await withDb(dbPath, (db) =>
        db.all('SELECT run_id, epoch, seconds FROM epochs ORDER BY run_id, epoch'),
      ),
    ).toEqual(before);
    expect(await count(dbPath, 'SELECT * FROM sweeps')).toBe(1);
  });

  it('refuses a changed file under the same name, saying what differs; --new-version reuses finished runs', async () => {
    const changed = writeSweep(dir, 'tiny.yaml', { epochs: EPOCHS, lrs: [0.1, 1e4, 0.05] });
    const refused = await runCli(['sweep', changed, '--db', dbPath]);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toContain('sweep.grid.train.lr: [0.1,10000] -> [0.1,10000,0.05]');
    expect(refused.stderr).toContain('--new-version');
    expect(await count(dbPath, 'SELECT * FROM runs')).toBe(RUNS);

    const accepted = await runCli(['sweep', changed, '--db', dbPath, '--new-version']);
    expect(accepted.code).toBe(0);
    expect(accepted.stdout).toContain(`trained 2 finished; ${RUNS} already done`);
    expect(await count(dbPath, 'SELECT * FROM sweeps WHERE name = ?', ['tiny'])).toBe(2);
    expect(await count(dbPath, 'SELECT * FROM runs')).toBe(RUNS + 2);
    expect(await count(dbPath, 'SELECT * FROM sweep_runs')).toBe(RUNS + RUNS + 2);
  });

  it('rejects a bad config in one line with exit code 2 and creates no database', async () => {
    const badDir = tempDir('bad');
    const bad = writeSweep(badDir, 'bad.yaml');
    writeFileSync(bad, readFileSync(bad, 'utf8').replace('epochs: 2', 'epochs: two'));
    const badDb = path.join(badDir, 'results.db');
    const result = await runCli(['sweep', bad, '--db', badDb]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/bad\.yaml.*train\.epochs/);
    expect(existsSync(badDb)).toBe(false);
  });
});

// Each case is a separate, quick process; none trains, so they can run side by side.
describe.concurrent('ablate command line', () => {
  const dir = tempDir('cli');
  const sweepFile = writeSweep(dir, 'tiny.yaml');
  const dbPath = path.join(dir, 'results.db');

  it('prints its usage with every option', async () => {
    const help = await runCli(['sweep', '--help']);
    expect(help.code).toBe(0);
    for (const option of ['--db', '--workers', '--max-runs', '--dry-run', '--new-version', '--help'])
      expect(help.stdout).toContain(option);
  });

  it('plans without writing on --dry-run', async () => {
    const dry = await runCli(['sweep', sweepFile, '--db', dbPath, '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(`tiny: ${RUNS} runs (2 grid points x 2 seeds)`);
    expect(existsSync(dbPath)).toBe(false);
  });

  it.each([
    [['sweep', path.join(dir, 'nowhere.yaml')], /nowhere\.yaml: no such sweep file/],
    [['sweep', sweepFile, '--workers', '0'], /--workers: expected a positive integer, got "0"/],
    [['sweep', sweepFile, '--bogus'], /'--bogus'.*\(see ablate sweep --help\)$/],
    [
      ['sweep', sweepFile, '--db', path.join(sweepFile, 'results.db')],
      /--db \S+: cannot use it as a results database/,
    ],
  ])('refuses %j in one line with exit code 2, writing nothing', async (args, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr.trim()).toMatch(message);
    expect(readdirSync(dir).sort()).toEqual(['tiny.yaml']);
  });

  // The training knobs' refusals (issue 20), each checked at its key in the config tests, here
  // through the command: the same contract as any bad config. Each: the lines replaced, the message.
  const HIDDEN = '  hidden: [16]';
  const BATCH = '  batchSize: 32';
  it.each<[string, [string, string][], RegExp]>([
    ['dropout 1', [[HIDDEN, `${HIDDEN}\n  dropout: 1`]], /model\.dropout: expected a number < 1, found 1$/],
    [
      'batch norm on batches of 1',
      [
        [HIDDEN, `${HIDDEN}\n  batchNorm: true`],
        [BATCH, '  batchSize: 1'],
      ],
      /train\.batchSize: expected at least 2 with model\.batchNorm/,
    ],
    [
      'clipGradNorm 0',
      [[BATCH, `${BATCH}\n  clipGradNorm: 0`]],
      /train\.clipGradNorm: expected a number > 0, found 0$/,
    ],
    [
      'patience 0',
      [[BATCH, `${BATCH}\n  earlyStop: { patience: 0 }`]],
      /train\.earlyStop\.patience: expected a number >= 1, found 0$/,
    ],
  ])(
    'refuses a training knob out of range (%s) in one line with exit code 2, writing nothing',
    async (_, edits, message) => {
      const own = tempDir('knob');
      const file = writeSweep(own, 'bad.yaml');
      writeFileSync(
        file,
        edits.reduce((text, [from, to]) => text.replace(from, to), readFileSync(file, 'utf8')),
      );
      const result = await runCli(['sweep', file, '--db', path.join(own, 'results.db')]);
      expect(result.code).toBe(2);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr.trim()).toMatch(/^ablate: \S*bad\.yaml:\d+:\d+: /);
      expect(result.stderr.trim()).toMatch(message);
      expect(readdirSync(own)).toEqual(['bad.yaml']);
    },
  );
});
