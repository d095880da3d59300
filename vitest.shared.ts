// Every project's vitest config comes from here, so that all of them write a JSON report that
// scripts/test.mjs sums into the closing "N passed, N failed" line.
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { defineConfig } from 'vitest/config';

const root = path.dirname(fileURLToPath(import.meta.url));

export function projectConfig(project: string, testTimeout = 30_000) {
  return defineConfig({
    test: {
      include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
      testTimeout,
      hookTimeout: 120_000,
      reporters: ['default', ['json', { outputFile: path.join(root, 'test-results', `${project}.json`) }]],
    },
  });
}
