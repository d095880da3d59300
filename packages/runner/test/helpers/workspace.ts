// The workspace checkout the tests run from (they always run from the TypeScript sources).
import { workspaceRoot } from '../../src/meta.ts';

if (workspaceRoot === null) throw new Error('the runner tests run from the workspace sources');

export const repoRoot: string = workspaceRoot;
