// Sweeps with a user's own layer for the tests: the worked example's hand-written Dense copied into
// a scratch folder, with a small spirals sweep naming it.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll } from 'vitest';
import { repoRoot } from './workspace.ts';

const examples = path.join(repoRoot, 'experiments', 'custom-layer');

/**
 * A folder for test modules inside the workspace, where `@ablate/tensor` resolves as it does beside
 * a user's sweep file, and outside version control (results/ is ignored); removed afterwards.
 */
mkdirSync(path.join(repoRoot, 'results'), { recursive: true });
const scratch = mkdtempSync(path.join(repoRoot, 'results', '.test-custom-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
export const moduleDir = (): string => mkdtempSync(path.join(scratch, 'm-'));

/** Spirals, 3 epochs, 2 learning rates x 2 seeds, a hand-written Dense as the hidden layer: a second's training. */
export function writeCustomSweep(dir: string, extra = ''): string {
  copyFileSync(path.join(examples, 'my-dense.ts'), path.join(dir, 'my-dense.ts'));
  const file = path.join(dir, 'custom.yaml');
  writeFileSync(
    file,
    `name: custom
data:
  source: { kind: spirals }
  validation: 0.2
model:
  hidden: [8]
  layers: [{ file: ./my-dense.ts }, dense]
${extra}train:
  epochs: 3
  batchSize: 16
sweep:
  grid:
    train.lr: [0.05, 0.1]
  seeds: 2
`,
  );
  return file;
}
