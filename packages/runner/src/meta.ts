// Where this checkout lives and which code produced a result, recorded with every run so a number
// in the database can always be traced back to the code that made it.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The repository root, found from this module's own location (packages/runner/src/meta.ts). */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url)).replace(/[\\/]$/, '');

/** The root package.json version. */
export function ablateVersion(): string {
  const pkg = JSON.parse(readFileSync(`${repoRoot}/package.json`, 'utf8')) as { version: string };
  return pkg.version;
}

function git(...args: string[]): string {
  return execFileSync('git', args, {
    cwd: repoRoot,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  }).trim();
}

/**
 * `git rev-parse HEAD`, with "-dirty" when the code that trains (packages/) has uncommitted
 * changes, since then the commit alone does not say which code made the numbers; null outside a
 * git checkout (a tarball, a container without git).
 */
export function codeVersion(): string | null {
  try {
    const commit = git('rev-parse', 'HEAD');
    if (!commit) return null;
    const changed = git('status', '--porcelain', '--untracked-files=no', '--', 'packages');
    return changed ? `${commit}-dirty` : commit;
  } catch {
    return null;
  }
}
