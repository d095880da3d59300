// @ablate/tensor: a float32 tensor, a seeded PRNG, and the operations an MLP needs, with a
// WebAssembly SIMD fast path behind the hot kernels.
export { Tensor, formatShape, type Shape } from './tensor.ts';
export { Rng, type RngState } from './rng.ts';
export * from './ops.ts';
export { kernels, setKernels, type KernelChoice } from './kernels/backend.ts';
export type { Kernels, MatmulKernel } from './kernels/kernels.ts';
