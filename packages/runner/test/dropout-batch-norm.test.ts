// model.dropout and model.batchNorm in sweep files: their defaults, the refusals (one line, at the
// key), and runs that use them: masks from the run's own stream (the same run twice, the same bits),
// batch norm's running statistics saved with the weights the digit page loads.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseSweep } from '../src/config/index.ts';
import { loadRunModel } from '../src/model/weights.ts';
import { prepareSweepData } from '../src/sweep/sweep-data.ts';
import { openReader } from '../src/db/index.ts';
import { runCli, tempDir } from './helpers/cli.ts';
import { results } from './helpers/results.ts';

const valid = `name: t
data:
  source: { kind: xor }
model:
  hidden: [4, 3]
train:
  epochs: 2
  batchSize: 2
`;

function errorOf(yaml: string): string {
  try {
    prepareSweepData(parseSweep(yaml, 'bad.yaml'));
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error('expected a ConfigError');
}

const withModel = (line: string) => valid.replace('  hidden: [4, 3]', `  hidden: [4, 3]\n  ${line}`);

describe('model.dropout and model.batchNorm', () => {
  it('are off by default', () => {
    const { model } = parseSweep(valid, 'ok.yaml').runs[0].config;
    expect([model.dropout, model.batchNorm]).toEqual([0, false]);
  });

  it('refuse a rate outside [0, 1) and a list of the wrong length, at the key', () => {
    expect(errorOf(withModel('dropout: 1'))).toBe(
      'bad.yaml:6:12: model.dropout: expected a number < 1, found 1',
    );
    expect(errorOf(withModel('dropout: -0.1'))).toBe(
      'bad.yaml:6:12: model.dropout: expected a number >= 0, found -0.1',
    );
    expect(errorOf(withModel('dropout: [0.1, 1.5]'))).toBe(
      'bad.yaml:6:18: model.dropout[1]: expected a number < 1, found 1.5',
    );
    expect(errorOf(withModel('dropout: x'))).toBe(
      'bad.yaml:6:12: model.dropout: expected a rate in [0, 1) or a list of them, found "x"',
    );
    expect(errorOf(withModel('dropout: [0.1]'))).toBe(
      'bad.yaml:6:12: model.dropout: expected one rate per hidden layer (2), got 1',
    );
  });

  it('refuse batch norm on batches of 1, and a last batch of 1 it would train on', () => {
    expect(errorOf(withModel('batchNorm: true').replace('batchSize: 2', 'batchSize: 1'))).toBe(
      'bad.yaml:9:14: train.batchSize: expected at least 2 with model.batchNorm (a batch of 1 has no variance to normalize by), found 1',
    );
    // xor has 4 samples: batches of 3 leave a last batch of 1.
    const three = withModel('batchNorm: true').replace('batchSize: 2', 'batchSize: 3');
    expect(errorOf(three)).toMatch(
      /^bad\.yaml:\d+:\d+: train\.keepLastBatch: expected false with model\.batchNorm: 4 samples in batches of 3 leave a last batch of 1/,
    );
    expect(parseSweep(`${three}  keepLastBatch: false\n`, 'ok.yaml').runs).toHaveLength(1);
  });
});

describe('runs with dropout and batch norm', () => {
  const sweep = `name: knobs
data:
  source: { kind: spirals }
  validation: 0.2
model:
  hidden: [16, 8]
  dropout: 0.2
  batchNorm: true
train:
  epochs: 3
  batchSize: 16
  keepLastBatch: false
sweep:
  grid:
    model.dropout: [0, 0.2]
  seeds: 1
`;

  it('give the same bits trained twice, differ with dropout, and save what evaluation needs', async () => {
    const dir = tempDir('dropout-batch-norm');
    const file = path.join(dir, 'knobs.yaml');
    writeFileSync(file, sweep);
    const dbs = [path.join(dir, 'a.db'), path.join(dir, 'b.db')];
    for (const db of dbs) {
      const ran = await runCli(['sweep', file, '--db', db]);
      expect(ran.code, ran.stderr).toBe(0);
    }
    const [a, b] = await Promise.all(dbs.map(results));
    expect(b).toEqual(a);
    const weights = a[4] as Array<{ run_id: string; shapes_json: string; data: string }>;
    expect(weights).toHaveLength(2);
    expect(weights[0].data).not.toBe(weights[1].data);
    const names = (JSON.parse(weights[0].shapes_json) as Array<{ name: string }>).map((s) => s.name);
    expect(names.slice(-4)).toEqual([
      'norm0.runningMean',
      'norm0.runningVar',
      'norm1.runningMean',
      'norm1.runningVar',
    ]);
    // The stored model loads as the digit page loads it, running statistics included.
    const reader = await openReader(dbs[0]);
    try {
      const model = await loadRunModel(reader, weights[1].run_id);
      expect(Buffer.from(model.exportWeights().data.buffer).toString('hex').toUpperCase()).toBe(
        weights[1].data,
      );
      model.dispose();
    } finally {
      await reader.close();
    }
  }, 120_000);
});
