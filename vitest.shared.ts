// Every project's vitest config comes from here, so that all of them write a JSON report that
// scripts/test.mjs sums into the closing "N passed, N failed" line.
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { defineConfig } from 'vitest/config';

const root = path.dirname(fileURLToPath(import.meta.url));

/**
 * With kernelSets, the suite runs once per kernel set named (a vitest project each, under
 * ABLATE_KERNELS=name; see packages/tensor/src/kernels/backend.ts).
 */
export function projectConfig(project: string, testTimeout = 30_000, kernelSets: string[] = []) {
  return defineConfig({
    test: {
      include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
      testTimeout,
      hookTimeout: 120_000,
      reporters: ['default', ['json', { outputFile: path.join(root, 'test-results', `${project}.json`) }]],
      ...(kernelSets.length > 0 && {
        projects: kernelSets.map((name) => ({
          extends: true,
          test: { name: `${project}-${name}`, env: { ABLATE_KERNELS: name } },
        })),
      }),
    },
  });
}
