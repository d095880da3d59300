import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, formatPlan, parseSweep } from '../src/config/index.ts';
import { prepareSweepData } from '../src/sweep/sweep-data.ts';

// A valid sweep; each test breaks one line of it. Lines: 1 name, 2 data, 3 source, 4 model, 5 hidden,
// 6 train, 7 epochs, 8 lr, 9 sweep, 10 grid, 11 the grid's first key.
const valid = `name: t
data:
  source: { kind: xor }
model:
  hidden: [4]
train:
  epochs: 2
  lr: 0.1
sweep:
  grid:
    train.batchSize: [2, 4]
`;

/**
 * The one-line ConfigError a sweep file gets: from planning, or from the checks against its data
 * that run once the data is prepared (before any run starts).
 */
function errorOf(yaml: string, options?: { maxRuns?: number }, file = 'bad.yaml'): string {
  try {
    prepareSweepData(parseSweep(yaml, file, options));
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error('expected a ConfigError');
}

const replace = (from: string, to: string) => {
  expect(valid).toContain(from);
  return valid.replace(from, to);
};

describe('sweep file errors', () => {
  it('refuses an empty file', () => {
    expect(errorOf('')).toBe('bad.yaml:1:1: expected a map of keys, found null');
  });

  it('accepts the valid file', () => {
    expect(parseSweep(valid, 'bad.yaml').runs).toHaveLength(2);
  });

  it('reports a YAML syntax error at its line and column', () => {
    expect(errorOf(replace('  epochs: 2', '  epochs: [2'))).toMatch(/^bad\.yaml:\d+:\d+: YAML: /);
    expect(errorOf(replace('  lr: 0.1', ' lr: 0.1'))).toMatch(/^bad\.yaml:8:\d+: YAML: /);
  });

  it('reports every other objection of the YAML parser in one line, and values as YAML writes them', () => {
    expect(errorOf(`${valid}x: *nowhere\n`)).toMatch(/^bad\.yaml:1:1: YAML: Unresolved alias .*: nowhere$/);
    expect(errorOf(`${valid}---\nname: u\n`)).toBe(
      'bad.yaml:12:1: YAML: expected one document, found a second one (---)',
    );
    expect(errorOf(replace('epochs: 2', 'epochs: !custom 2'))).toBe(
      'bad.yaml:7:11: YAML: Unresolved tag: !custom',
    );
    expect(errorOf(replace('lr: 0.1', 'lr: .nan'))).toBe(
      'bad.yaml:8:7: train.lr: expected a number, found .nan',
    );
    expect(errorOf(replace('[2, 4]', '[2, -.inf]'))).toMatch(/^bad\.yaml:11:26: .*found -\.inf/);
  });

  it('suggests the right spelling of a misspelt key', () => {
    expect(errorOf(replace('train:', 'trian:'))).toBe(
      'bad.yaml:6:1: trian: unknown key; did you mean train?',
    );
    expect(errorOf(replace('  lr: 0.1', '  lrr: 0.1'))).toBe(
      'bad.yaml:8:3: train.lrr: unknown key; did you mean lr?',
    );
    expect(errorOf(replace('{ kind: xor }', '{ kind: xor, poinst: 3 }'))).toMatch(
      /^bad\.yaml:3:\d+: data\.source\.poinst: unknown key/,
    );
  });

  it('suggests a misspelt value', () => {
    expect(errorOf(replace('kind: xor', 'kind: xr'))).toMatch(
      /^bad\.yaml:3:19: data\.source\.kind: expected one of mnist, csv, xor, people, spirals, found "xr"; did you mean xor\?$/,
    );
    expect(errorOf(replace('  lr: 0.1', '  init: he_normall'))).toMatch(
      /^bad\.yaml:8:9: train\.init: expected one of .*did you mean he_normal\?$/,
    );
  });

  it('explains a missing section and a wrong type', () => {
    expect(errorOf(replace('model:\n  hidden: [4]\n', ''))).toBe(
      'bad.yaml:1:1: model: expected a map of keys, missing',
    );
    expect(errorOf(replace('epochs: 2', 'epochs: two'))).toBe(
      'bad.yaml:7:11: train.epochs: expected a number, found "two"',
    );
    expect(errorOf(replace('epochs: 2', 'epochs: 2.5'))).toBe(
      'bad.yaml:7:11: train.epochs: expected an integer, found 2.5',
    );
  });

  it('refuses a learning rate <= 0 and a hidden size of 0', () => {
    expect(errorOf(replace('lr: 0.1', 'lr: 0'))).toBe(
      'bad.yaml:8:7: train.lr: expected a number > 0, found 0',
    );
    expect(errorOf(replace('hidden: [4]', 'hidden: [4, 0]'))).toBe(
      'bad.yaml:5:15: model.hidden[1]: expected a number >= 1, found 0',
    );
  });

  it('refuses grid keys that point nowhere, with a suggestion', () => {
    expect(errorOf(replace('train.batchSize:', 'train.lrr:'))).toBe(
      'bad.yaml:11:5: sweep.grid.train.lrr: not a path into the run config; did you mean train.lr?',
    );
    expect(errorOf(replace('train.batchSize: [2, 4]', 'seed: [1, 2]'))).toMatch(
      /sweep\.grid\.seed: seeds are set by sweep\.seeds/,
    );
    expect(errorOf(`${valid}    train: [{}]\n`)).toMatch(
      /^bad\.yaml:12:5: sweep\.grid\.train: overlaps sweep\.grid\.train\.batchSize/,
    );
  });

  it('refuses empty and invalid grid values at the value', () => {
    expect(errorOf(replace('[2, 4]', '[]'))).toBe(
      'bad.yaml:11:22: sweep.grid.train.batchSize: expected a list of >= 1 items, found []',
    );
    expect(errorOf(`${valid}    train.lr: [0.1, -0.1]\n`)).toBe(
      'bad.yaml:12:21: sweep.grid.train.lr[1]: expected a number > 0, found -0.1 (in the run with train.batchSize=2 train.lr=-0.1)',
    );
    expect(errorOf(`${valid}    model.hidden: [[8], [8, 0]]\n`)).toMatch(
      /^bad\.yaml:12:29: sweep\.grid\.model\.hidden\[1\]\[1\]: expected a number >= 1, found 0/,
    );
    expect(errorOf(replace('[2, 4]', '[2, 2]'))).toMatch(
      /^bad\.yaml:11:26: sweep\.grid\.train\.batchSize\[1\]: repeats value 0/,
    );
  });

  it('refuses a batch larger than the training set, counted from the data spec', () => {
    expect(errorOf(replace('[2, 4]', '[2, 8]'))).toBe(
      'bad.yaml:11:26: sweep.grid.train.batchSize[1]: 8 is larger than the training set (4 samples after subset and validation) (in the run with train.batchSize=8)',
    );
    const mnist = replace('{ kind: xor }', '{ kind: mnist }\n  subset: { first: 100 }\n  validation: 0.2');
    expect(errorOf(mnist.replace('[2, 4]', '[64, 128]'))).toMatch(
      /sweep\.grid\.train\.batchSize\[1\]: 128 is larger than the training set \(80 samples/,
    );
    expect(errorOf(replace('{ kind: xor }', '{ kind: mnist }\n  subset: { first: 70000 }'))).toMatch(
      /^bad\.yaml:4:\d+: data\.subset: training pool: subset first 70000, expected an integer from 1 to the pool size 60000/,
    );
  });

  it('refuses a model the layers package refuses', () => {
    expect(
      errorOf(
        replace('  lr: 0.1', '  lr: 0.1\n  init: he_normal').replace(
          'hidden: [4]',
          'hidden: [4]\n  loss: bce',
        ),
      ),
    ).toMatch(/^bad\.yaml:6:9: model\.loss: 'bce' needs output 1 with outputActivation 'sigmoid'/);
  });

  it("refuses a field the optimizer's rule does not have, and release 0.1's flat optimizer fields", () => {
    expect(errorOf(`${valid}    train.optimizer.momentum: [0, 0.9]\n`)).toMatch(
      /^bad\.yaml:12:32: sweep\.grid\.train\.optimizer\.momentum\[0\]: unknown key: not a field of sgd \(in the run with/,
    );
    expect(
      parseSweep(
        `${valid}    train.optimizer.momentum: [0, 0.9]\n`.replace('lr: 0.1', 'optimizer: momentum'),
        'ok.yaml',
      ).runs,
    ).toHaveLength(4);
    expect(errorOf(replace('lr: 0.1', 'lr: 0.1\n  beta1: 0.9'))).toBe(
      'bad.yaml:9:3: train.beta1: unknown key; did you mean optimizer.beta1?',
    );
  });

  it('refuses link lists of unequal length and exclusions that match nothing', () => {
    expect(errorOf(`${valid}  link:\n    - { train.lr: [0.1, 0.2], train.epochs: [1, 2, 3] }\n`)).toMatch(
      /^bad\.yaml:13:31: sweep\.link\[0\]\.train\.epochs: has 3 values but train\.lr has 2/,
    );
    expect(errorOf(`${valid}  exclude:\n    - { train.batchSize: 3 }\n`)).toMatch(
      /^bad\.yaml:13:7: sweep\.exclude\[0\]: matches no grid point/,
    );
    expect(errorOf(`${valid}  exclude:\n    - { train.batchsize: 2 }\n`)).toMatch(
      /sweep\.exclude\[0\]\.train\.batchsize: .*did you mean train\.batchSize\?/,
    );
  });

  it('refuses a sweep of over 200 runs without a cap, and runs the first N in plan order with one', () => {
    const big = `${valid}    train.lr: [0.001, 0.002, 0.005, 0.01, 0.02]\n    train.epochs: [1, 2, 3, 4, 5]\n    train.weightDecay: [0, 0.0001, 0.001, 0.01, 0.1]\n`;
    expect(errorOf(big)).toBe(
      'bad.yaml:9:1: sweep: the sweep expands to 250 runs, more than 200; set sweep.maxRuns (or --max-runs) to run the first N of them',
    );
    expect(parseSweep(`${big}  maxRuns: 250\n`, 'ok.yaml').runs).toHaveLength(250);
    expect(parseSweep(big, 'ok.yaml', { maxRuns: 300 }).runs).toHaveLength(250);
    // Seeds outermost: a cap of one grid's worth covers every grid point once.
    const seeded = parseSweep(`${big}  seeds: 2\n  maxRuns: 250\n`, 'ok.yaml');
    expect([seeded.total, seeded.runs.length]).toEqual([500, 250]);
    expect(new Set(seeded.runs.map((run) => run.groupId)).size).toBe(250);
    expect(seeded.runs.every((run) => run.seed === 1)).toBe(true);
    const capped = parseSweep(`${big}  maxRuns: 100\n`, 'ok.yaml');
    expect(capped.runs.map((run) => run.position)).toEqual([...Array(100).keys()]);
    expect(
      formatPlan(
        capped,
        capped.runs.map(() => null),
      ),
    ).toContain('capped: the first 100 of 250 runs in plan order');
  });

  it('counts a CSV training set from its lines, relative to the sweep file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ablate-config-'));
    writeFileSync(path.join(dir, 'train.csv'), 'a,b,label\n1,2,0\n3,4,1\n5,6,2\n7,8,1\n9,9,0\n');
    const csv = replace('{ kind: xor }', '{ kind: csv, train: train.csv, labelColumn: label }');
    // 5 rows, 1 held out as the test set (testFraction 0.2): 4 to train on.
    expect(prepareSweepData(parseSweep(csv, path.join(dir, 'ok.yaml'))).size).toBe(1);
    expect(parseSweep(csv, path.join(dir, 'ok.yaml')).runs[1].config.data.source).toEqual({
      kind: 'csv',
      train: path.join(dir, 'train.csv'),
      labelColumn: 'label',
      testFraction: 0.2, // the default, in the run's config (and so its id)
    });
    expect(errorOf(csv.replace('[2, 4]', '[2, 5]'), {}, path.join(dir, 'bad.yaml'))).toMatch(
      /batchSize\[1\]: 5 is larger than the training set \(4 samples/,
    );
    expect(errorOf(csv.replace('label }', 'labels }'), {}, path.join(dir, 'bad.yaml'))).toMatch(
      /data\.source: \S+train\.csv: no column named "labels", expected one of a, b, label/,
    );
  });
});
