import type { DataSpec } from '../src/index.ts';

/** The full MNIST set as float32 in [0, 1]: ~188 MB of training inputs plus ~31 MB of test. */
export const MNIST_SPEC: DataSpec = { source: { kind: 'mnist' }, scale: 'unit' };
