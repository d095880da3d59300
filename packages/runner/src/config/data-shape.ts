// The sizes a run's data will have (input features, output units, training samples), from
// @ablate/data's describeData: the same subset and split rules as the run itself, so a batch size
// larger than the training set or a model that doesn't fit the data is refused before anything runs.
import { describeData, type DataSpec } from '@ablate/data';
import { Rng } from '@ablate/tensor';
import { RunIssue } from './errors.ts';

/** Sample counts and layer sizes of a run's data, as planning needs them. */
export interface DataShape {
  input: number;
  output: number;
  /** Training samples after subset and validation. */
  train: number;
  /** Validation and test samples, for the time estimate. */
  validation: number;
  test: number;
}

// describeData names the set at fault first ("validation 0.99 of 10 samples, ..."); the key a
// person would edit is this one. Anything else (a missing or corrupt file) is the source's.
const KEY_OF_SET: [prefix: string, key: string][] = [
  ['training pool', 'data.subset'],
  ['test set', 'data.testSubset'],
  ['validation', 'data.validation'],
];

const shapes = new Map<string, DataShape>();

/** The shape of a data spec's data, worked out once per spec; a RunIssue if it cannot load. */
export function dataShape(spec: DataSpec): DataShape {
  const key = JSON.stringify(spec);
  let shape = shapes.get(key);
  if (!shape) shapes.set(key, (shape = describe(spec)));
  return shape;
}

function describe(spec: DataSpec): DataShape {
  try {
    // Sizes never depend on the draws, so any fixed stream will do.
    const { inputSize, outputSize, ...sizes } = describeData(spec, Rng.derive(0, 'describe'));
    return { input: inputSize, output: outputSize, ...sizes };
  } catch (error) {
    const message = (error as Error).message;
    const key = KEY_OF_SET.find(([prefix]) => message.startsWith(prefix))?.[1] ?? 'data.source';
    throw new RunIssue(key, message);
  }
}
