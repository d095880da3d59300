// Chooses the implementation behind the hot kernels: the fast path by default, the reference when
// ABLATE_KERNELS=reference or setKernels('reference') asks for it.
import type { Kernels } from './kernels.ts';
import { referenceKernels } from './reference.ts';
import { fastKernels } from '../wasm/wasm.ts';

export type KernelChoice = 'fast' | 'reference';

let active: Kernels = referenceKernels;

/** The kernels every op dispatches to right now. */
export function kernels(): Kernels {
  return active;
}

/** Switch implementation for this thread; returns the kernels now in use. */
export function setKernels(choice: KernelChoice): Kernels {
  active = choice === 'reference' ? referenceKernels : fastKernels();
  return active;
}

setKernels(process.env.ABLATE_KERNELS === 'reference' ? 'reference' : 'fast');
