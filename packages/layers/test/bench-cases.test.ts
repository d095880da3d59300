// The layers bench's workloads (bench/cases.ts) built as `layers:bench -- --mnist` builds them, on a
// small real MNIST subset: each takes a training step and is scored on its test images, so a
// workload whose targets do not fit its network fails here rather than minutes into the bench.
import { expect, it } from 'vitest';
import { WORKLOADS, workloadData, workloadModel } from '../bench/cases.ts';
import { tensors } from './data.ts';

const SAMPLES = 64;
const TEST_SAMPLES = 32;

it.each(WORKLOADS.map((w) => [`${w.title}, batch ${w.batch}`, w] as const))(
  'the --mnist case %s trains a step and scores its test set',
  (_title, w) => {
    const { train, test } = workloadData(w, true, SAMPLES, TEST_SAMPLES);
    expect(test).toBeDefined();
    const model = workloadModel(w);
    const { x, y } = tensors(train);
    const B = Math.min(w.batch, SAMPLES);
    expect(Number.isFinite(model.trainStep(x.rowView(0, B), y.rowView(0, B)))).toBe(true);
    const scored = tensors(test!);
    const { loss, perClass } = model.evaluate(scored.x, scored.y);
    expect(Number.isFinite(loss)).toBe(true);
    expect(perClass.reduce((s, c) => s + c.support, 0)).toBe(TEST_SAMPLES);
    model.dispose();
  },
);
