// Builds the WebAssembly kernels (run by the root postinstall): generates the .wat text from
// src/wasm/kernels-wat.mjs and compiles it with wabt into dist/, once with relaxed SIMD (FMA) and
// once with plain SIMD; the loader picks one at start-up. Never downloads anything.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import wabtInit from 'wabt';
import { kernelsWat, watFeatures } from '../src/wasm/kernels-wat.mjs';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const wabt = await wabtInit();
mkdirSync(dist, { recursive: true });

for (const [name, relaxed] of [
  ['kernels-simd', false],
  ['kernels-relaxed-simd', true],
]) {
  const text = kernelsWat(relaxed);
  const features = watFeatures(relaxed);
  const module = wabt.parseWat(`${name}.wat`, text, features);
  module.validate(features);
  const { buffer } = module.toBinary({});
  module.destroy();
  // The .wat goes next to the binary so the generated code can be read without running anything.
  writeFileSync(`${dist}${name}.wat`, text);
  writeFileSync(`${dist}${name}.wasm`, buffer);
  console.log(`tensor: built dist/${name}.wasm (${buffer.length} bytes)`);
}
