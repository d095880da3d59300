// The native kernels: C compiled into a Node-API addon at npm install (scripts/build-native.mjs;
// the sources are in ../../native). They read and write the callers' Float32Arrays in place. The
// addon picks its ISA path (AVX-512, AVX2 + FMA, NEON, portable C) from the CPU at load, or takes
// the one named; matmul results differ in the last bits between paths, so the kernel set's name
// says which: native-avx512, native-avx2, native-neon, native-portable.
// Dimension legend: see ../../native/kernels.h.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Kernels } from '../kernels/kernels.ts';

export const NATIVE_ISAS = ['avx512', 'avx2', 'neon', 'portable'] as const;
export type NativeIsa = (typeof NATIVE_ISAS)[number];

/** What addon.c's load() returns: the streaming kernels as in Kernels, one matmul for all forms. */
export type NativeSet = Omit<Kernels, 'name' | 'matmulAB' | 'matmulAtB' | 'matmulABt'> & {
  isa: NativeIsa;
  /** form 0 = a b, 1 = a^T b, 2 = a b^T; shapes as MatmulKernel's. */
  matmul(
    out: Float32Array,
    a: Float32Array,
    b: Float32Array,
    M: number,
    K: number,
    N: number,
    form: number,
    accumulate?: boolean,
    bias?: Float32Array,
  ): void;
};

const ADDON = fileURLToPath(new URL('../../build/Release/ablate_native.node', import.meta.url));
// Written by the install script when it could not build the addon: the reason.
const BUILD_ERROR = fileURLToPath(new URL('../../build/native-error.txt', import.meta.url));

/**
 * The native kernels of the given ISA path, or of the best one this CPU runs (ABLATE_NATIVE_ISA
 * names one when isa is not given). Throws an Error saying why when the addon is not built or the
 * path is not available here.
 */
export function loadNativeKernels(isa = process.env.ABLATE_NATIVE_ISA as NativeIsa | undefined): Kernels {
  if (isa !== undefined && !NATIVE_ISAS.includes(isa)) {
    throw new Error(`unknown native ISA path '${isa}' (expected one of ${NATIVE_ISAS.join(', ')})`);
  }
  if (!existsSync(ADDON)) {
    const why = existsSync(BUILD_ERROR) ? readFileSync(BUILD_ERROR, 'utf8').trim() : 'run npm install';
    throw new Error(`native addon not built (${why})`);
  }
  const addon = createRequire(import.meta.url)(ADDON) as { load(isa?: NativeIsa): NativeSet };
  const { isa: loaded, matmul, ...streaming } = addon.load(isa);
  return {
    ...streaming,
    name: `native-${loaded}`,
    matmulAB: (out, a, b, M, K, N, accumulate, bias) => matmul(out, a, b, M, K, N, 0, accumulate, bias),
    matmulAtB: (out, a, b, M, K, N, accumulate, bias) => matmul(out, a, b, M, K, N, 1, accumulate, bias),
    matmulABt: (out, a, b, M, K, N, accumulate, bias) => matmul(out, a, b, M, K, N, 2, accumulate, bias),
  };
}
