// The JSON API against a real sweep without a validation set (val_* NULL everywhere): defaults
// pick metrics that have values, and params read as the runner labels them.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunningServer } from '../src/server.ts';
import { getJson, startTestServer } from './helpers.ts';

let server: RunningServer;
let sweepUrl: string;

beforeAll(async () => {
  server = await startTestServer(inject('noValidationDb'));
  const { body } = await getJson(`${server.url}/api/sweeps`);
  sweepUrl = `${server.url}/api/sweeps/${body.sweeps[0].id}`;
});

afterAll(() => server.close());

describe('a sweep without a validation set', () => {
  it('says which metrics have values and prefers train acc and test acc', async () => {
    const { body } = await getJson(`${sweepUrl}/runs`);
    expect(body.runs).toHaveLength(8);
    expect(body.metrics.curves).toMatchObject({
      withData: ['train_acc', 'train_loss'],
      preferred: 'train_acc',
    });
    expect(body.metrics.final).toMatchObject({
      withData: ['test_acc', 'test_loss', 'final_train_acc', 'final_train_loss'],
      preferred: 'test_acc',
    });
    // Without a validation set, runs are ranked by test accuracy.
    const best = body.runs.find((run: { rank: number | null }) => run.rank === 1);
    expect(best.results.test_acc).toBe(
      Math.max(
        ...body.runs.map((run: { results: { test_acc: number | null } }) => run.results.test_acc ?? 0),
      ),
    );
  });

  it('ranks the sweep by test acc in the list of sweeps', async () => {
    const { body } = await getJson(`${server.url}/api/sweeps`);
    expect(body.sweeps[0].best).toMatchObject({ metric: 'test_acc', value: expect.any(Number) });
  });

  it('groups train acc curves when no metric is asked for', async () => {
    const { body } = await getJson(`${sweepUrl}/groups?by=train.init`);
    expect(body.metric).toBe('train_acc');
    for (const group of body.groups) expect(group.mean).toHaveLength(2);
  });

  it('fills every ablation cell with test acc when no metric is asked for', async () => {
    const { body } = await getJson(`${sweepUrl}/ablation?rows=train.init&cols=model.hidden`);
    expect(body.metric).toBe('test_acc');
    expect(body.cells).toHaveLength(4);
    for (const cell of body.cells) expect(cell.mean).toBeGreaterThan(0);
  });

  it('Markdown names params by their labels; the CSV keeps their JSON', async () => {
    const markdown = await (await fetch(`${sweepUrl}/ablation.md?rows=train.init&cols=model.hidden`)).text();
    expect(markdown).toContain('| train.init \\ model.hidden | model.hidden=[16] | model.hidden=[8,8] |');
    expect(markdown).toMatch(/^\| normal\(std=0\.1\) \| 0\.\d+ ± /m);
    const csv = await (await fetch(`${sweepUrl}/export.csv`)).text();
    expect(csv).toContain(',"{""name"":""normal"",""std"":0.1}","[8,8]",');
  });

  it('never averages layers of networks of different depth: one depth group per init and architecture', async () => {
    const { body } = await getJson(`${sweepUrl}/depth?by=train.init`);
    // Hidden layers by index, every output layer at one position of its own: [16]'s output (dense1)
    // is never drawn over [8, 8]'s second hidden layer (also dense1).
    expect(body.layers).toEqual([
      { layer: 0, name: 'dense0 (relu)' },
      { layer: 1, name: 'dense1 (relu)' },
      { layer: 'output', name: 'dense1 (softmax) / dense2 (softmax)' },
    ]);
    type Group = { params: Record<string, unknown>; runIds: string[]; n: number; mean: Array<number | null> };
    const groups: Group[] = body.groups;
    expect(groups.map((group) => group.params)).toEqual(
      expect.arrayContaining([
        { 'train.init': 'he_normal', 'model.hidden': [16] },
        { 'train.init': 'he_normal', 'model.hidden': [8, 8] },
        { 'train.init': { name: 'normal', std: 0.1 }, 'model.hidden': [16] },
        { 'train.init': { name: 'normal', std: 0.1 }, 'model.hidden': [8, 8] },
      ]),
    );
    expect(groups).toHaveLength(4);
    const { body: sweep } = await getJson(`${sweepUrl}/runs`);
    const hiddenOf = (runId: string) =>
      sweep.runs.find((run: { id: string }) => run.id === runId).params['model.hidden'];
    for (const group of groups) {
      expect(group.n).toBe(2); // the seeds, nothing else
      for (const runId of group.runIds) expect(hiddenOf(runId)).toEqual(group.params['model.hidden']);
      // [16] has one hidden layer, [8, 8] two: the shallow group has no value at the second only.
      const hidden = (group.params['model.hidden'] as number[]).length;
      expect(group.mean.map((value) => value !== null)).toEqual([true, hidden > 1, true]);
    }
  });
});
