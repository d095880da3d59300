// train.earlyStop and train.clipGradNorm in the runner: the stopping rule against a hand
// computation, a real run stopped early (finished, its epochs_done the epoch it stopped at, shown),
// restoreBest keeping exactly the weights the run had at its best epoch, and the refusals.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseSweep } from '../src/config/index.ts';
import { earlyStopState, keptEpoch } from '../src/view/early-stop.js';
import { count, runCli, tempDir, withDb } from './helpers/cli.ts';

describe('the early-stopping rule', () => {
  const rule: { metric: 'val_loss' | 'val_acc'; patience: number; minDelta: number } = {
    metric: 'val_loss',
    patience: 2,
    minDelta: 0,
  };
  const states = (values: number[], r = rule) =>
    values.map((_, i) => earlyStopState(values.slice(0, i + 1), r));

  it('stops after `patience` epochs without improving on the best, by hand', () => {
    // best: 1 (1.0), 2 (0.9), 2 (0.95 is worse), 2 (0.91 too): 2 epochs without improving -> stop at 4.
    expect(states([1, 0.9, 0.95, 0.91])).toEqual([
      { best: 1, stop: false },
      { best: 2, stop: false },
      { best: 2, stop: false },
      { best: 2, stop: true },
    ]);
    // val_acc is better when higher; an equal value does not improve.
    expect(states([0.5, 0.6, 0.6, 0.7], { ...rule, metric: 'val_acc' }).map((s) => s.best)).toEqual([
      1, 2, 2, 4,
    ]);
  });

  it('counts only improvements larger than minDelta', () => {
    // 0.97 and 0.96 improve on 1 by less than 0.05: epoch 1 stays best, and epoch 3 stops the run.
    expect(states([1, 0.97, 0.96], { ...rule, minDelta: 0.05 }).at(-1)).toEqual({ best: 1, stop: true });
    expect(states([1, 0.94], { ...rule, minDelta: 0.05 }).at(-1)).toEqual({ best: 2, stop: false });
  });

  it('keeps the best epoch with restoreBest, the last without', () => {
    const epochs = [0.5, 0.7, 0.6].map((val_acc) => ({ val_loss: null, val_acc }));
    const earlyStop = { metric: 'val_acc' as const, patience: 5, minDelta: 0, restoreBest: true };
    expect(keptEpoch(epochs, earlyStop)).toBe(2);
    expect(keptEpoch(epochs, { ...earlyStop, restoreBest: false })).toBe(3);
    expect(keptEpoch(epochs, null)).toBe(3);
  });
});

const sweep = (name: string, train: string) => `name: ${name}
data:
  source: { kind: spirals }
  validation: 0.2
model:
  hidden: [8]
  activation: tanh
train:
  batchSize: 32
  lr: 0.3
  clipGradNorm: 1
${train}
sweep:
  seeds: 2
`;

describe('a run stopped early', () => {
  it('ends finished at the epoch it stopped, keeping and testing its best epoch’s weights', async () => {
    const dir = tempDir('early-stop');
    const db = path.join(dir, 'results.db');
    const stopping = path.join(dir, 'stopping.yaml');
    writeFileSync(
      stopping,
      sweep('stopping', '  epochs: 40\n  earlyStop: { metric: val_acc, patience: 3, restoreBest: true }'),
    );
    const result = await runCli(['sweep', stopping, '--db', db]);
    expect(result.code, result.stderr).toBe(0);
    const runs = await withDb(db, (d) =>
      d.all<{ id: string; seed: number; epochs_done: number; status: string }>(
        'SELECT id, seed, epochs_done, status FROM runs ORDER BY seed',
      ),
    );
    for (const run of runs) {
      expect(run.status).toBe('finished');
      expect(run.epochs_done).toBeLessThan(40);
      // The rule held at the epoch it stopped, and not before.
      const accs = await withDb(db, (d) =>
        d.all<{ val_acc: number }>('SELECT val_acc FROM epochs WHERE run_id = ? ORDER BY epoch', [run.id]),
      );
      expect(accs).toHaveLength(run.epochs_done);
      const rule = { metric: 'val_acc' as const, patience: 3, minDelta: 0 };
      const values = accs.map((e) => e.val_acc);
      expect(earlyStopState(values, rule).stop).toBe(true);
      expect(earlyStopState(values.slice(0, -1), rule).stop).toBe(false);
    }
    // The progress line and `ablate show` say which epoch the test values are of.
    const kept = await withDb(db, async (d) =>
      Promise.all(
        runs.map(async (run) =>
          keptEpoch(
            await d.all<{ val_loss: number; val_acc: number }>(
              'SELECT val_loss, val_acc FROM epochs WHERE run_id = ? ORDER BY epoch',
              [run.id],
            ),
            { metric: 'val_acc', patience: 3, minDelta: 0, restoreBest: true },
          ),
        ),
      ),
    );
    expect(result.stderr).toContain(`stopped early after ${runs[0].epochs_done} of 40 epochs`);
    // The closing table counts them: its final values are of the epochs they stopped at.
    expect(result.stdout).toMatch(/^n\s+final val acc\s+stopped early\s+stalled\s+diverged/m);
    expect(result.stdout).toMatch(/^2\s+\S+ ± \S+\s+2\s+0\s+0\s+0\s+0$/m);
    const shown = await runCli(['show', runs[0].id, '--db', db]);
    expect(shown.stdout).toContain(`final (epoch ${runs[0].epochs_done}):`);
    if (kept[0] < runs[0].epochs_done) expect(shown.stdout).toContain(`weights of epoch ${kept[0]};`);

    // The same runs trained for exactly their kept epochs, without early stopping, end with the same
    // weights and test results, bit for bit: restoreBest kept the best epoch's weights, nothing else.
    for (const [i, run] of runs.entries()) {
      const plain = path.join(dir, `plain-${run.seed}.yaml`);
      writeFileSync(
        plain,
        sweep(`plain-${run.seed}`, `  epochs: ${kept[i]}`).replace('seeds: 2', `seeds: [${run.seed}]`),
      );
      const again = await runCli(['sweep', plain, '--db', db]);
      expect(again.code, again.stderr).toBe(0);
      const same = `SELECT * FROM weights a JOIN weights b ON a.data = b.data AND a.run_id <> b.run_id
                      JOIN test_results ta ON ta.run_id = a.run_id JOIN test_results tb ON tb.run_id = b.run_id
                     WHERE a.run_id = ? AND ta.accuracy = tb.accuracy AND ta.confusion_json = tb.confusion_json`;
      expect(await count(db, same, [run.id])).toBe(1);
    }
  }, 120_000);
});

describe('refusals', () => {
  const valid = `name: t
data:
  source: { kind: xor }
  validation: 2
model:
  hidden: [4]
train:
  epochs: 6
`;
  function errorOf(yaml: string): string {
    try {
      parseSweep(yaml, 'bad.yaml');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as Error).message;
    }
    throw new Error('expected a ConfigError');
  }
  const withTrain = (line: string) => `${valid}  ${line}\n`;

  it('refuses patience < 1, an unknown metric, a negative minDelta and clipGradNorm <= 0, at the key', () => {
    expect(errorOf(withTrain('earlyStop: { patience: 0 }'))).toBe(
      'bad.yaml:9:26: train.earlyStop.patience: expected a number >= 1, found 0',
    );
    expect(errorOf(withTrain('earlyStop: { metric: val_los }'))).toBe(
      'bad.yaml:9:24: train.earlyStop.metric: expected one of val_loss, val_acc, found "val_los"; did you mean val_loss?',
    );
    expect(errorOf(withTrain('earlyStop: { minDelta: -1 }'))).toMatch(
      /^bad\.yaml:9:\d+: train\.earlyStop\.minDelta: expected a number >= 0, found -1$/,
    );
    expect(errorOf(withTrain('clipGradNorm: 0'))).toBe(
      'bad.yaml:9:17: train.clipGradNorm: expected a number > 0, found 0',
    );
    expect(errorOf(withTrain('clipGradNorm: -2'))).toBe(
      'bad.yaml:9:17: train.clipGradNorm: expected a number > 0, found -2',
    );
  });

  it('refuses early stopping on a validation metric without a validation set', () => {
    expect(errorOf(withTrain('earlyStop: { metric: val_acc }').replace('  validation: 2\n', ''))).toBe(
      'bad.yaml:8:24: train.earlyStop.metric: expected a validation set (data.validation) to stop on val_acc, found none',
    );
  });

  it('fills every default once: no clipping and no early stopping unless asked', () => {
    const { train } = parseSweep(valid, 'ok.yaml').runs[0].config;
    expect([train.clipGradNorm, train.earlyStop]).toEqual([null, null]);
    expect(parseSweep(withTrain('earlyStop: {}'), 'ok.yaml').runs[0].config.train.earlyStop).toEqual({
      metric: 'val_loss',
      patience: 5,
      minDelta: 0,
      restoreBest: false,
    });
  });
});
