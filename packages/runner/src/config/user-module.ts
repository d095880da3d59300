// The one way Ablate loads a user's own code: a custom layer, activation or loss that a sweep file
// names by its TypeScript file. Loading runs the module, which may do anything the user could:
// only the sweep's own commands (sweep, worker, check) load one, never the dashboard.
//
// The module must share Ablate's own instances of @ablate/tensor and @ablate/layers (one Tensor
// class, one kernel set and its wasm memory), so it is imported into the process's module graph
// rather than through tsx's tsImport, whose namespace would load a second copy of each. Ablate
// running from its TypeScript sources already has tsx's hooks (in every training thread too); an
// installed Ablate, built to JavaScript, registers them here, once, the first time a user module
// is loaded: tsx is then needed at run time, by this function only.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { workspaceRoot } from '../meta.ts';

/** SHA-256 (hex) of a file's bytes: a user module's identity in a run's config. */
export function sourceHash(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

let hooks = workspaceRoot !== null;

/**
 * The exports of the TypeScript module at `file` (absolute). A file edited since it was loaded is
 * loaded again (its URL carries its hash); an unchanged one is the same module instance.
 */
export async function loadUserModule(file: string): Promise<Record<string, unknown>> {
  if (file.endsWith('.ts')) requireEsmPackage(file);
  if (!hooks) {
    // Imported here, not at the top: an installed Ablate without tsx runs every sweep without a
    // custom component.
    const tsx = await import('tsx/esm/api').catch(() => {
      throw new Error(`${file}: loading a TypeScript component needs tsx in the project (npm install tsx)`);
    });
    tsx.register();
    hooks = true;
  }
  const url = `${pathToFileURL(file).href}?sha256=${sourceHash(file)}`;
  return (await import(url)) as Record<string, unknown>;
}

/**
 * Node (and tsx with it) takes a .ts file for CommonJS unless the nearest package.json says
 * "type": "module", and a component imports Ablate's packages, which are ES modules only: refused
 * in one line rather than failing on its first `import type`.
 */
function requireEsmPackage(file: string): void {
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      if ((JSON.parse(readFileSync(manifest, 'utf8')) as { type?: string }).type === 'module') return;
      throw new Error(
        `${file}: components are ES modules, but ${manifest} does not say "type": "module" (add it, or name the file .mts)`,
      );
    }
    if (path.dirname(dir) === dir)
      throw new Error(
        `${file}: components are ES modules: put a package.json with "type": "module" above it, or name it .mts`,
      );
  }
}
