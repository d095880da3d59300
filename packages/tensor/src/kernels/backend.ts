// Chooses the implementation behind the hot kernels: native when the addon loads, else wasm, else
// the reference. ABLATE_KERNELS=native|wasm|reference (or setKernels) forces one; ABLATE_NATIVE_ISA
// forces the native ISA path.
import type { Kernels } from './kernels.ts';
import { referenceKernels } from './reference.ts';
import { loadNativeKernels } from '../native/native.ts';
import { loadWasmKernels } from '../wasm/wasm.ts';

export const KERNEL_CHOICES = ['native', 'wasm', 'reference'] as const;
export type KernelChoice = (typeof KERNEL_CHOICES)[number];

let active: Kernels = referenceKernels;
// Each set is loaded once per thread, on first use.
let native: Kernels | undefined;
let wasm: Kernels | undefined;
// Why the default choice is not native, when it is not: for a one-line notice (kernelsNotice).
let fallback: string | undefined;

/** The kernels every op dispatches to right now. */
export function kernels(): Kernels {
  return active;
}

/** This thread's native kernels, or the Error saying why there are none. */
function loadedNative(): Kernels {
  native ??= loadNativeKernels();
  return native;
}

/** This thread's wasm kernels (relaxed SIMD where the engine has it), or the Error saying why there are none. */
function loadedWasm(): Kernels {
  wasm ??= loadWasmKernels();
  return wasm;
}

/** The best set that loads: native, else wasm, else the reference; notes why it is not native. */
function best(): Kernels {
  try {
    return loadedNative();
  } catch (error) {
    fallback = (error as Error).message;
  }
  try {
    return loadedWasm();
  } catch (error) {
    fallback += `; wasm: ${(error as Error).message}`;
    return referenceKernels;
  }
}

/** Switch implementation for this thread; returns the kernels now in use. Throws if it cannot load. */
export function setKernels(choice: KernelChoice | undefined): Kernels {
  switch (choice) {
    case undefined:
      active = best();
      break;
    case 'native':
      active = loadedNative();
      break;
    case 'wasm':
      active = loadedWasm();
      break;
    case 'reference':
      active = referenceKernels;
      break;
    default:
      throw new Error(`ABLATE_KERNELS: expected one of ${KERNEL_CHOICES.join(', ')}, got '${choice}'`);
  }
  return active;
}

/**
 * One line saying the kernels are not native and why, when the default choice fell back (for the
 * runner to print once); undefined when native kernels run or another set was asked for.
 */
export function kernelsNotice(): string | undefined {
  if (!fallback || active === native) return undefined;
  return `kernels: running on ${active.name}, not native: ${fallback}`;
}

setKernels((process.env.ABLATE_KERNELS || undefined) as KernelChoice | undefined);
