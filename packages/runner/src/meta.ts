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

/** `git rev-parse HEAD`, or null outside a git checkout (a tarball, a container without git). */
export function codeVersion(): string | null {
  try {
    return (
      execFileSync('git', ['rev-parse', 'HEAD'], {
        cwd: repoRoot,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim() || null
    );
  } catch {
    return null;
  }
}
