// Types for kernels-wat.mjs, which stays plain JavaScript so that the install-time build can run it.

/** Micro-kernel tile MR x NR, cache blocks MC x KC, and when B is read without packing. */
export interface Tile {
  MR: number;
  NR: number;
  KC: number;
  MC: number;
  DIRECT_B_M: number;
  DIRECT_B_N: number;
}

export const TILE: Tile;

/** The module text; `relaxed` selects f32x4.relaxed_madd (FMA) over mul + add. */
export function kernelsWat(relaxed: boolean, tile?: Tile): string;

/** The wabt features the module needs (SIMD, relaxed SIMD when asked, threads for its shared memory). */
export function watFeatures(relaxed: boolean): { simd: true; relaxed_simd: boolean; threads: true };
