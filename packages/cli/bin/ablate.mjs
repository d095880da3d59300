#!/usr/bin/env node
// The `ablate` command (npx ablate ..., from any folder of the workspace). Ablate's sources are
// TypeScript run through tsx, so the bin registers tsx before it loads them.
import { register } from 'tsx/esm/api';

register();
await import('../src/index.ts');
