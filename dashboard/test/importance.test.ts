// "Which params matter" on a real sweep of experiments/mnist.yaml's shape, made small: hidden-size
// arrays, an init spec object, momentum, lr linked with batch size, 2 seeds (32 runs of one epoch
// on a few hundred MNIST images). The API must analyse every run with the link as one factor, and
// the section must show that analysis, or, when the grid cannot be analysed, the real reason. The
// section runs as the browser runs it, over the real server's answers; only the page around it (the
// DOM, Chart.js, the address) is stood in for, as this machine has no browser to spare.
import { copyFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
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

/** Elements as plain objects: enough of the DOM for the section to build its notice, hint and table. */
const dom = vi.hoisted(() => {
  type Child = Element | string;
  interface Element {
    tag: string;
    className?: string;
    textContent?: string;
    children: Child[];
    contains(other: Element): boolean;
  }
  const append = (element: Element, children: unknown[]) => {
    for (const child of children.flat(Infinity))
      if (child !== null && child !== undefined && child !== false)
        element.children.push(typeof child === 'object' ? (child as Element) : String(child));
  };
  const h = (tag: string, attributes: { className?: string } = {}, ...children: unknown[]): Element => {
    const element: Element = {
      tag,
      className: attributes.className,
      children: [],
      contains: (other) =>
        element === other || element.children.some((c) => typeof c === 'object' && c.contains(other)),
    };
    append(element, children);
    return element;
  };
  const text = (node: Child): string =>
    typeof node === 'string'
      ? node
      : [node.textContent, ...node.children.map(text)].filter(Boolean).join(' ');
  const find = (node: Child, test: (element: Element) => boolean): Element[] =>
    typeof node === 'string'
      ? []
      : [...(test(node) ? [node] : []), ...node.children.flatMap((child) => find(child, test))];
  return {
    h,
    text,
    find,
    replaceChildren: (element: Element, ...children: unknown[]) => {
      element.children = [];
      append(element, children);
    },
    notice: (kind: string, title: string, ...next: unknown[]) =>
      h('div', { className: `notice ${kind}` }, h('strong', {}, title), h('p', {}, ...next)),
  };
});
const server = vi.hoisted(() => ({ url: '' }));

vi.mock('/shared/anova.js', () => import('@ablate/runner/view/anova.js'));
vi.mock('/shared/format.js', () => import('@ablate/runner/view/format.js'));
vi.mock('../public/dom.js', () => ({
  h: dom.h,
  replaceChildren: dom.replaceChildren,
  notice: dom.notice,
  select: () => dom.h('select'),
}));
vi.mock('../public/api.js', () => ({
  api: {
    importance: async (id: number, query: Record<string, string>) =>
      (await fetch(`${server.url}/api/sweeps/${id}/importance?${new URLSearchParams(query)}`)).json(),
  },
}));
vi.mock('../public/charts.js', () => ({
  chartBox: () => ({ box: dom.h('div'), canvas: dom.h('canvas') }),
  colorAt: () => '#4e79a7',
}));
vi.mock('../public/url-state.js', () => ({ viewState: () => new URLSearchParams(), setViewState: () => {} }));

let dbPath: string;
let running: RunningServer[] = [];

beforeAll(async () => {
  const dir = tempDir('importance');
  const yaml = path.join(dir, 'mnist-importance.yaml');
  dbPath = path.join(dir, 'mnist-importance.db');
  writeFileSync(yaml, SWEEP_YAML);
  const sweep = await runCli(['sweep', yaml, '--db', dbPath, '--workers', '2']);
  expect(sweep.code, sweep.stderr).toBe(0);
});

afterAll(() => Promise.all(running.map((s) => s.close())));

/** Serves a database; the section's API calls go to it. */
async function serve(db: string): Promise<string> {
  const started = await startTestServer(db);
  running = [...running, started];
  server.url = started.url;
  return started.url;
}

/**
 * Loads the section against a server, as the sweep page does; checks that it never blames a
 * validation set (the sweep has one) and says each of `sentences`. Returns its table's row headers.
 */
async function expectSection(url: string, sentences: string[]): Promise<string[]> {
  // @ts-expect-error: the browser's plain JavaScript has no type declarations
  const { importanceSection } = await import('../public/sections/importance.js');
  const { body } = await getJson(`${url}/api/sweeps/1`);
  const section = importanceSection({ draw: () => {} }, 1, () => body.metrics);
  await section.refresh();
  const text = dom.text(section.element).replace(/\s+/g, ' ');
  expect(text).not.toContain('validation set');
  for (const sentence of sentences) expect(text).toContain(sentence);
  return dom.find(section.element, (element) => element.tag === 'th' && !element.className).map(dom.text);
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
      '28 runs without a value (diverged, failed or unfinished)',
    ]);
  });
});
