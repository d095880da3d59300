// Tile tuner (not a test): generates and compiles the matmul for several tiles and blockings and
// times them against each other on one shape (default 128x784x128) in all three forms. The machine
// is shared, so the variants run interleaved and each keeps its best time: noise only slows a run.
// Run: npx tsx bench/tiles.ts [--plain] [--shape MxKxN]
import { parseArgs } from 'node:util';
import wabtInit from 'wabt';
import { TILE, kernelsWat, watFeatures } from '../src/wasm/kernels-wat.mjs';
import { relaxedSimdSupported, wasmKernels } from '../src/wasm/wasm.ts';

const { values } = parseArgs({
  options: { plain: { type: 'boolean', default: false }, shape: { type: 'string', default: '128x784x128' } },
});
const relaxed = !values.plain && relaxedSimdSupported();
const TILES = [
  { MR: 4, NR: 8 },
  { MR: 3, NR: 12 },
  { MR: 2, NR: 16 },
  { MR: 6, NR: 8, MC: 120 },
  { MR: 4, NR: 8, KC: 512 },
  { MR: 4, NR: 8, DIRECT_B_M: 0 },
].map((t) => {
  const tile = { ...TILE, ...t };
  const direct = `B in place to ${tile.DIRECT_B_M}x${tile.DIRECT_B_N}`;
  return { ...tile, name: `${tile.MR}x${tile.NR} KC=${tile.KC} MC=${tile.MC} ${direct}` };
});
const [M, K, N] = values.shape.split('x').map(Number);
const FORMS = ['matmulAB', 'matmulAtB', 'matmulABt'] as const;
const ROUNDS = 15;
const CALLS = Math.max(1, Math.round(3e7 / (2 * M * N * K))); // ~1 ms of work per timing

const wabt = await wabtInit();
const variants = TILES.map((tile) => {
  const name = tile.name;
  const text = kernelsWat(relaxed, tile);
  const binary = wabt.parseWat(name, text, watFeatures(relaxed)).toBinary({}).buffer;
  return {
    name,
    kernels: wasmKernels(new WebAssembly.Module(new Uint8Array(binary)), name),
    best: FORMS.map(() => Infinity),
  };
});

const a = Float32Array.from({ length: M * K }, (_, i) => Math.sin(i));
const b = Float32Array.from({ length: K * N }, (_, i) => Math.cos(i));
const out = new Float32Array(M * N);
for (let round = 0; round < ROUNDS; round++) {
  for (const v of variants) {
    FORMS.forEach((form, f) => {
      const t0 = performance.now();
      for (let i = 0; i < CALLS; i++) v.kernels[form](out, a, b, M, K, N);
      v.best[f] = Math.min(v.best[f], (performance.now() - t0) / CALLS);
    });
  }
}
console.log(`${relaxed ? 'relaxed SIMD' : 'SIMD'}, best GFLOP/s at ${M}x${K}x${N}:  AB    AtB   ABt`);
for (const v of variants) {
  const rates = v.best.map((ms) => ((2 * M * N * K) / ms / 1e6).toFixed(1).padStart(6));
  console.log(`${v.name.padEnd(52)}${rates.join('')}`);
}
