// A user's own layer, activation or loss named by a sweep file: its source hash in every run's
// config (an edited file makes new runs), trained the same with 1 and 2 workers, gradient-checked
// before anything trains (ablate check, and before ablate sweep writes anything), lesson 004's
// summed output delta refused naming the file and tensor, and each bad module refused in one line.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSweep } from '../src/config/index.ts';
import { runCli, withDb } from './helpers/cli.ts';
import { moduleDir, writeCustomSweep } from './helpers/custom-modules.ts';
import { repoRoot } from './helpers/workspace.ts';

const examples = path.join(repoRoot, 'experiments', 'custom-layer');

describe('a custom layer in a sweep', () => {
  it("puts its file and source hash in every run's config; an edited file gives new run ids", () => {
    const dir = moduleDir();
    const file = writeCustomSweep(dir);
    const before = parseSweep(readFileSync(file, 'utf8'), file);
    const layer = before.runs[0].config.model.layers?.[0] as { file: string; sha256: string };
    expect(layer.file).toBe(path.join(dir, 'my-dense.ts'));
    expect(layer.sha256).toMatch(/^[0-9a-f]{64}$/);
    writeFileSync(
      path.join(dir, 'my-dense.ts'),
      `${readFileSync(path.join(dir, 'my-dense.ts'), 'utf8')}\n// edited\n`,
    );
    const after = parseSweep(readFileSync(file, 'utf8'), file);
    const ids = (plan: typeof before) => plan.runs.map((run) => run.id);
    expect(ids(after).filter((id) => ids(before).includes(id))).toEqual([]);
    expect(after.configHash).not.toBe(before.configHash);
    // Built-in 'dense' everywhere is today's MLP: the same ids as without model.layers.
    const plain = parseSweep(
      readFileSync(file, 'utf8').replace('[{ file: ./my-dense.ts }, dense]', '[dense, dense]'),
      file,
    );
    const none = parseSweep(readFileSync(file, 'utf8').replace(/ {2}layers: .*\n/, ''), file);
    expect(ids(plain)).not.toEqual(ids(none)); // an explicit list is recorded as written
    expect(none.runs[0].config.model.layers).toBeUndefined();
  });

  it('trains bit for bit the same with 1 and 2 workers, checked first', async () => {
    const dir = moduleDir();
    const file = writeCustomSweep(dir);
    const dbs = [path.join(dir, 'one.db'), path.join(dir, 'two.db')];
    const [one, two] = await Promise.all(
      dbs.map((db, i) => runCli(['sweep', file, '--db', db, '--workers', String(i + 1)])),
    );
    for (const result of [one, two]) {
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toMatch(
        /my-dense\.ts\s+custom0\s+W\s+\S+\s+\[\d+, \d+\]\s+\S+\s+\S+\s+\d+\s+\d+\s+ok/,
      );
    }
    const read = (db: string) =>
      withDb(db, async (conn) => ({
        runs: await conn.all<{ id: string; status: string; config_json: string }>(
          'SELECT id, status, config_json FROM runs ORDER BY id',
        ),
        epochs: await conn.all(
          'SELECT run_id, epoch, train_loss, val_loss, val_acc FROM epochs ORDER BY run_id, epoch',
        ),
        weights: await conn.all<{ run_id: string; data: Buffer }>(
          'SELECT run_id, data FROM weights ORDER BY run_id',
        ),
      }));
    const [a, b] = await Promise.all(dbs.map(read));
    expect(a.runs).toHaveLength(4);
    expect(a.runs.every((run) => run.status === 'finished')).toBe(true);
    expect(JSON.parse(a.runs[0].config_json).model.layers[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(b).toEqual(a);
    expect(a.weights.map((w) => w.data.length)).toEqual([...Array(4)].map(() => a.weights[0].data.length));
  });
});

describe('the gradient check', () => {
  it('ablate check passes the worked example and prints its table', async () => {
    const result = await runCli(['check', path.join(examples, 'my-dense.yaml')]);
    expect(result.code, result.stderr).toBe(0);
    const rows = result.stdout
      .split('\n')
      .filter((line) => line.startsWith('experiments/custom-layer/my-dense.ts'));
    expect(rows.map((line) => line.split(/\s+/).slice(1, 3).join('.'))).toEqual([
      'custom0.W',
      'custom0.b',
      'custom0.dx',
      'custom1.W',
      'custom1.b',
      'custom1.dx',
    ]);
    expect(rows.every((line) => line.endsWith('ok'))).toBe(true);
  });

  it('ablate check --all passes every built-in component of the sweep too', async () => {
    const result = await runCli(['check', path.join(examples, 'my-dense.yaml'), '--all']);
    expect(result.code, result.stderr).toBe(0);
    const builtIn = result.stdout.split('\n').filter((line) => line.startsWith('(built in)'));
    // The all-dense model: dense0, dense1 (W, b, dx each), relu, softmax, cross_entropy; the
    // custom one: relu, softmax, cross_entropy.
    expect(builtIn).toHaveLength(12);
    expect(builtIn.every((line) => line.endsWith('ok'))).toBe(true);
  });

  it("refuses lesson 004's summed output delta, naming the file and dz; sweep writes nothing", async () => {
    const file = path.join(examples, 'lesson-004.yaml');
    const check = await runCli(['check', file]);
    expect(check.code).toBe(2);
    const [first, header, row] = check.stderr.split('\n');
    expect(first).toMatch(
      /^ablate: experiments\/custom-layer\/summed-delta-loss\.ts: gradient check failed: loss dz has max relative error 1\.00 at \[\d+, \d+\] \(analytic \S+, numeric \S+; tolerance 0\.01\); nothing was trained$/,
    );
    expect(header).toMatch(/^file\s+component\s+tensor\s+max rel err/);
    expect(row).toMatch(
      /^experiments\/custom-layer\/summed-delta-loss\.ts\s+loss\s+dz\s+1\.00e\+0\s.*FAILED$/,
    );
    const db = path.join(moduleDir(), 'r.db');
    const sweep = await runCli(['sweep', file, '--db', db]);
    expect(sweep.code).toBe(2);
    expect(sweep.stderr.split('\n')[0]).toBe(first);
    expect(existsSync(db)).toBe(false);
  });
});

describe('a bad custom module is refused in one line before anything is written', () => {
  const layerWith = (body: string) => `import type { Tensor } from '@ablate/tensor';\n${body}\n`;
  const cases: Array<[string, string, RegExp]> = [
    [
      'no such file',
      '',
      /^ablate: .*custom\.yaml:7:\d+: model\.layers\[0\]\.file: cannot read \.\/my-layer\.ts \(ENOENT\); expected a TypeScript module$/,
    ],
    [
      'a module that throws as it loads',
      "throw new Error('not ready');",
      /^ablate: \S*my-layer\.ts: cannot load it \(not ready\)$/,
    ],
    [
      'no `layer` export',
      'export const notALayer = 1;',
      /^ablate: \S*my-layer\.ts: model\.layers\[0\]: expected the module to export a function `layer` \(see experiments\/custom-layer\/\); nothing was trained$/,
    ],
    [
      'a forward that throws',
      `export function layer() {
  return { params: [], forward(y: Tensor) { throw new Error('shape mismatch in my code'); }, backward() {} };
}`,
      /^ablate: \S*my-layer\.ts: custom0: forward threw: shape mismatch in my code; nothing was trained$/,
    ],
    [
      'a param whose grad has another shape',
      `import { Tensor as T } from '@ablate/tensor';
export function layer({ inputs, outputs }: { inputs: number; outputs: number }) {
  const W = { name: 'W', value: T.zeros([inputs, outputs]), grad: T.zeros([outputs, inputs]), decay: true };
  return { params: [W], forward() {}, backward() {} };
}`,
      /^ablate: \S*my-layer\.ts: model\.layers\[0\]: expected params\[0\] to be \{ name, value: Tensor, grad: Tensor of its shape, decay \}; nothing was trained$/,
    ],
    [
      'a forward that writes NaN',
      `export function layer({ outputs }: { outputs: number }) {
  return { params: [], forward(y: Tensor) { y.data.fill(NaN); }, backward() {} };
}`,
      /^ablate: \S*my-layer\.ts: custom0: forward's output \(\d+, 8\) has NaN at index 0; nothing was trained$/,
    ],
  ];
  it.each(cases)('%s', async (_name, source, expected) => {
    const dir = moduleDir();
    if (source) writeFileSync(path.join(dir, 'my-layer.ts'), layerWith(source));
    const file = writeCustomSweep(dir).replace('custom.yaml', 'custom.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('./my-dense.ts', './my-layer.ts'));
    const db = path.join(dir, 'r.db');
    const result = await runCli(['sweep', file, '--db', db]);
    expect(result.code).toBe(2);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr.trimEnd()).toMatch(expected);
    expect(existsSync(db)).toBe(false);
  });

  it('a parameter its forward makes NaN is refused naming it', async () => {
    const dir = moduleDir();
    writeFileSync(
      path.join(dir, 'my-layer.ts'),
      layerWith(`import { Tensor as T } from '@ablate/tensor';
export function layer({ inputs, outputs }: { inputs: number; outputs: number }) {
  const W = { name: 'W', value: T.zeros([inputs, outputs]), grad: T.zeros([inputs, outputs]), decay: true };
  return { params: [W], forward(y: Tensor) { W.value.data[0] = NaN; y.data.fill(0); }, backward() {} };
}`),
    );
    const file = writeCustomSweep(dir);
    writeFileSync(file, readFileSync(file, 'utf8').replace('./my-dense.ts', './my-layer.ts'));
    const result = await runCli(['check', file]);
    expect(result.code).toBe(2);
    expect(result.stderr.trimEnd()).toMatch(
      /^ablate: \S*my-layer\.ts: custom0: parameter custom0\.W has NaN at index 0; nothing was trained$/,
    );
  });
});

describe("lesson 004's network trained unchecked (--no-check)", () => {
  it('ends stalled with the vanishing-gradient verdict, evaluated and stored, told by the sweep and ablate show', async () => {
    const db = path.join(moduleDir(), 'r.db');
    const sweep = await runCli(['sweep', path.join(examples, 'lesson-004.yaml'), '--db', db, '--no-check']);
    expect(sweep.code, sweep.stderr).toBe(0);
    // The default stall rule (5 epochs within 0.1%) stops it after epoch 6 of 10.
    expect(sweep.stderr).toMatch(
      /\] seed=1: stalled {3}test acc 0\.\d{4} after 6 of 10 epochs .*\n {2}Stalled: the training loss moved \S+% over epochs 1-6 .* Vanishing gradients: /,
    );
    // The closing report counts it per cell, apart from finished: no mean, no winner.
    const table = sweep.stdout.split('\n').filter((line) => /^n\s|^1\s/.test(line));
    expect(table[0].split(/\s{2,}/)).toEqual([
      'n',
      'final val/test acc',
      'stalled',
      'diverged',
      'failed',
      'unfinished',
    ]);
    expect(table[1].split(/\s{2,}/)).toEqual(['1', '-', '1', '0', '0', '0']);
    const [{ id }] = await withDb(db, (conn) => conn.all<{ id: string }>('SELECT id FROM runs'));
    const show = await runCli(['show', id, '--db', db, '--json']);
    const { diagnosis, run, test } = JSON.parse(show.stdout);
    expect([run.status, run.epochs_done, run.epochs_planned]).toEqual(['stalled', 6, 10]);
    expect(test.accuracy).toBeGreaterThan(0);
    expect(diagnosis).toMatchObject({ verdict: 'stalled', cause: 'vanishing gradients' });
    const grads = Object.values(diagnosis.statistic.values) as number[];
    expect(grads).toHaveLength(3);
    for (const std of grads) expect(std).toBeLessThan(1e-7);
    expect(diagnosis.sentence).toMatch(/Epoch 1's loss 2\.3\d+ against a uniform guess's ln 10 = 2\.303/);
    // Its weights are stored: the run page and the digit page serve them.
    expect(await withDb(db, (conn) => conn.all('SELECT run_id FROM weights'))).toEqual([{ run_id: id }]);
    const text = (await runCli(['show', id, '--db', db])).stdout.split('\n');
    expect(text[1]).toMatch(/^status: stalled, 6\/10 epochs/);
    expect(text[2]).toMatch(/^diagnosis: Stalled: .*Vanishing gradients/);
    expect(text[3]).toMatch(/^ {2}grad_std by layer: dense0 \(relu\) \d\.\de-\d+, dense1 \(sigmoid\) /);
  });

  it('a run that learns has no diagnosis', async () => {
    const dir = moduleDir();
    const db = path.join(dir, 'r.db');
    expect((await runCli(['sweep', writeCustomSweep(dir), '--db', db, '--max-runs', '1'])).code).toBe(0);
    const [{ id }] = await withDb(db, (conn) => conn.all<{ id: string }>('SELECT id FROM runs'));
    expect(JSON.parse((await runCli(['show', id, '--db', db, '--json'])).stdout).diagnosis).toBeNull();
  });
});

it('the worked example: the hand-written Dense reaches the built-in Dense accuracy with the same config', async () => {
  const db = path.join(moduleDir(), 'r.db');
  const result = await runCli(['sweep', path.join(examples, 'my-dense.yaml'), '--db', db, '--json']);
  expect(result.code, result.stderr).toBe(0);
  const { summary } = JSON.parse(result.stdout);
  const [builtIn, mine] = summary.groups;
  expect(builtIn.params['model.layers']).toEqual(['dense', 'dense']);
  expect(mine.params['model.layers'][0].file).toMatch(/my-dense\.ts$/);
  // The layer restates Dense on the same kernels: the same numbers, not just within the seed spread.
  expect([mine.mean, mine.std, mine.finished]).toEqual([builtIn.mean, builtIn.std, 2]);
  expect(builtIn.mean).toBeGreaterThan(0.8);
});

describe('model.layers and { file } in a sweep file', () => {
  const refused = (model: string) => {
    try {
      parseSweep(`name: t\ndata:\n  source: { kind: xor }\nmodel:\n  hidden: [4]\n${model}`, 'bad.yaml');
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error('expected a ConfigError');
  };
  it('refuses a list of the wrong length and a ref without its file, at the key', () => {
    expect(refused('  layers: [dense]\n')).toBe(
      'bad.yaml:6:11: model.layers: expected one entry per layer, hidden then output (2), got 1',
    );
    expect(refused('  loss: { fil: x.ts }\n')).toBe(
      'bad.yaml:6:9: model.loss.file: expected a string, missing',
    );
    expect(refused('  layers: [dense, conv]\n')).toMatch(
      /^bad\.yaml:6:\d+: model\.layers\[1\]: expected 'dense' or \{ file: \.\/your-layer\.ts \}/,
    );
  });
});
