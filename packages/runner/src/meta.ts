// Which code produced a result, recorded with every run so a number in the database can always be
// traced back to the code that made it. The same module runs in two ways: from the workspace's
// TypeScript sources (this file is meta.ts) or installed from a package built to JavaScript
// (meta.js under node_modules), and only the workspace has a git history to quote.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The runner package's folder: src/ and dist/ sit at the same depth in it. */
const packageRoot = new URL('../', import.meta.url);

/** The workspace checkout when Ablate runs from its sources, else null (an installed package). */
export const workspaceRoot: string | null = import.meta.url.endsWith('.ts')
  ? fileURLToPath(new URL('../../', packageRoot)).replace(/[\\/]$/, '')
  : null;

/** Ablate's version: the runner package's (every package of a release carries the same one). */
export function ablateVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('package.json', packageRoot), 'utf8')) as { version: string };
  return pkg.version;
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
}

/**
 * `git rev-parse HEAD` of the workspace, with "-dirty" when the code that trains (packages/) has
 * uncommitted changes, since then the commit alone does not say which code made the numbers. Null
 * for an installed package (its version says which code it is) and outside a git checkout (a
 * tarball, a container without git).
 */
export function codeVersion(): string | null {
  if (workspaceRoot === null) return null;
  try {
    const commit = git(workspaceRoot, 'rev-parse', 'HEAD');
    if (!commit) return null;
    const changed = git(workspaceRoot, 'status', '--porcelain', '--untracked-files=no', '--', 'packages');
    return changed ? `${commit}-dirty` : commit;
  } catch {
    return null;
  }
}
