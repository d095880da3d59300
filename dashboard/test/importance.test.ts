// "Which params matter" on a real sweep of experiments/mnist.yaml's shape, made small: hidden-size
// arrays, an init spec object, momentum, lr linked with batch size, 2 seeds (32 runs of one epoch
// on a few hundred MNIST images). The API must analyse every run with the link as one factor, and
// the section, in Chromium on the sweep page, must show that analysis, or, when the grid cannot be
// analysed, the real reason.
import { copyFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openForWriting } from '@ablate/runner/store';
import { runCli, tempDir } from '../../packages/runner/test/helpers/cli.ts';
import type { RunningServer } from '../src/server.ts';
import { getJson, startTestServer } from './helpers.ts';

const SWEEP_YAML = `
name: mnist-importance
data:
  source: { kind: mnist }
  subset: { first: 300 }
  testSubset: { first: 100 }
  validation: 100
model:
  hidden: [8, 4]
train:
  epochs: 1
  optimizer: momentum
sweep:
  grid:
    model.hidden: [[4], [8, 4]]
    train.init: [he_normal, { name: normal, std: 0.1 }]
    train.optimizer.momentum: [0, 0.9]
  link:
    - { train.lr: [0.025, 0.05], train.batchSize: [32, 64] }
  seeds: 2
`;

let dbPath: string;
let running: RunningServer[] = [];
let browser: Browser;

beforeAll(async () => {
  const dir = tempDir('importance');
  const yaml = path.join(dir, 'mnist-importance.yaml');
  dbPath = path.join(dir, 'mnist-importance.db');
  writeFileSync(yaml, SWEEP_YAML);
  const sweep = await runCli(['sweep', yaml, '--db', dbPath, '--workers', '2']);
  expect(sweep.code, sweep.stderr).toBe(0);
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu'],
  });
});

afterAll(async () => {
  await browser?.close();
  await Promise.all(running.map((s) => s.close()));
});

/** Serves a database. */
async function serve(db: string): Promise<string> {
  const started = await startTestServer(db);
  running = [...running, started];
  return started.url;
}

/**
 * Opens the sweep page in Chromium and reads its "which params matter" section once it has drawn
 * (its table, or its notice): checks that it never blames a validation set (the sweep has one) and
 * says each of `sentences`. Returns the row headers of its table.
 */
async function expectSection(url: string, sentences: string[]): Promise<string[]> {
  const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  try {
    await page.goto(`${url}/#/sweep/1`);
    const section = page.locator('section', { hasText: 'Which params matter' });
    await section.locator('table.anova, .notice').first().waitFor();
    const text = (await section.innerText()).replace(/\s+/g, ' ');
    expect(text).not.toContain('validation set');
    for (const sentence of sentences) expect(text).toContain(sentence);
    expect(errors).toEqual([]);
    return await section.locator('table.anova tbody th').allInnerTexts();
  } finally {
    await page.close();
  }
}

describe('which params matter, on a sweep of mnist.yaml', () => {
  it('analyses all 32 runs with hidden, init, momentum and the lr/batch size link as factors', async () => {
    const url = await serve(dbPath);
    const { body } = await getJson(`${url}/api/sweeps/1/importance?metric=final_val_acc`);
    expect(body.factors).toEqual([
      { name: 'model.hidden', paths: ['model.hidden'], kind: 'grid' },
      { name: 'train.init', paths: ['train.init'], kind: 'grid' },
      { name: 'train.optimizer.momentum', paths: ['train.optimizer.momentum'], kind: 'grid' },
      { name: 'train.lr/train.batchSize', paths: ['train.lr', 'train.batchSize'], kind: 'link' },
    ]);
    expect(body).toMatchObject({
      runs: 32,
      replicates: 2,
      dropped: { withoutValue: 0, cells: 0, levels: [], runs: 0 },
      reason: null,
    });
    const mains = body.effects.filter((effect: { factors: string[] }) => effect.factors.length === 1);
    expect(
      mains.map((effect: { factors: string[]; df: number }) => [effect.factors[0], effect.df]).sort(),
    ).toEqual([
      ['model.hidden', 1],
      ['train.init', 1],
      ['train.lr/train.batchSize', 1],
      ['train.optimizer.momentum', 1],
    ]);
    // 16 cells of 2 seeds.
    expect(body.residual.df).toBe(16);
    const explained = body.effects.reduce((sum: number, effect: { ss: number }) => sum + effect.ss, 0);
    expect(explained + body.residual.ss).toBeCloseTo(body.total.ss, 10);

    const rows = await expectSection(url, [
      'final val acc: analysis of variance over the grid, 2 seeds per cell as replicates. Factors: hidden, ' +
        'init, momentum, lr/batchSize (linked params are one factor, its levels the linked values).',
    ]);
    expect(rows).toEqual(
      expect.arrayContaining(['hidden', 'init', 'momentum', 'lr/batchSize', 'seeds (within cells)']),
    );
  });

  it('says which factors and cells are at fault when failed runs leave no grid to analyse', async () => {
    // Only the runs on the diagonal stand: every factor at its first level, or every one at its second.
    const copy = path.join(tempDir('importance-diagonal'), 'diagonal.db');
    copyFileSync(dbPath, copy);
    const writable = await openForWriting(copy);
    const links = await writable.all<{ run_id: string; params_json: string }>(
      'SELECT run_id, params_json FROM sweep_runs',
    );
    const firstLevels = (params: Record<string, unknown>) => [
      JSON.stringify(params['model.hidden']) === '[4]',
      params['train.init'] === 'he_normal',
      params['train.optimizer.momentum'] === 0,
      params['train.lr'] === 0.025,
    ];
    for (const link of links) {
      const levels = firstLevels(JSON.parse(link.params_json));
      if (levels.some((first) => first !== levels[0]))
        await writable.run("UPDATE runs SET status = 'failed' WHERE id = ?", [link.run_id]);
    }
    await writable.close();

    const url = await serve(copy);
    const { body } = await getJson(`${url}/api/sweeps/1/importance?metric=final_val_acc`);
    expect(body.effects).toEqual([]);
    expect(body.dropped).toMatchObject({ withoutValue: 28, cells: 14 });
    await expectSection(url, [
      'Nothing to analyse. The grid of hidden × init × momentum × lr/batchSize is not full: 14 of its 16 ' +
        'cells have no run with a value, (hidden=[4], init=he_normal, momentum=0, lr=0.05 batchSize=64),',
      '10 more. Leaving out the levels missing from the most cells (hidden=[4], init=he_normal, momentum=0, ' +
        'lr=0.025 batchSize=32) to fill it left every factor with one level.',
      '28 runs without a value (diverged, stalled, pruned, failed or unfinished)',
    ]);
  });
});
