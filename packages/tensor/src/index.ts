// @ablate/tensor: a float32 tensor, a seeded PRNG, and the operations an MLP needs, with a
// native (C), WebAssembly SIMD and reference implementations behind the hot kernels.
export { Tensor, formatShape, type Shape } from './tensor.ts';
export { Rng, type RngState } from './rng.ts';
export * from './ops.ts';
export { KERNEL_CHOICES, kernels, kernelsNotice, setKernels, type KernelChoice } from './kernels/backend.ts';
export { NATIVE_ISAS, loadNativeKernels, type NativeIsa } from './native/native.ts';
export type { BackwardKernel, Kernels, MatmulKernel, UnaryKernel } from './kernels/kernels.ts';
