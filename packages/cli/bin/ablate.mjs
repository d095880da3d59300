#!/usr/bin/env node
// The `ablate` command. Installed, Ablate is JavaScript (dist/, see scripts/pack.mjs at the
// workspace root); in the workspace its sources are TypeScript, run through tsx (a devDependency
// there), so the bin registers tsx before it loads them.
import { existsSync } from 'node:fs';

const sources = new URL('../src/index.ts', import.meta.url);
if (existsSync(sources)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(sources.href);
} else {
  await import('../dist/index.js');
}
