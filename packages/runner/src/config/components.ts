// A sweep's custom components (model.layers, activation, outputActivation or loss given as
// { file: ./x.ts, ...options }): at planning, each file is resolved against the sweep file's folder
// and its source's SHA-256 written beside it, so the hash is part of every run's config and id (an
// edited layer makes new runs, never mixed with the old) and recorded with it for provenance. Before
// training, whoever trains (a training thread, a worker on another machine) loads the same files
// and checks each is still the source the run was planned with.
import path from 'node:path';
import { componentRefs, type ComponentModules, type ComponentRef } from '@ablate/layers';
import type { Fail } from './errors.ts';
import type { ModelConfig } from './types.ts';
import { loadUserModule, sourceHash } from './user-module.ts';

/** The model config with every component's file absolute and its sha256 filled in (a copy). */
export function resolveComponents<
  T extends Pick<ModelConfig, 'layers' | 'activation' | 'outputActivation' | 'loss'>,
>(model: T, baseDir: string, fail: Fail): T {
  const refs = componentRefs(model);
  if (refs.length === 0) return model;
  const resolved = structuredClone(model);
  for (const { path: at } of refs) {
    // The same path in the copy.
    const ref = at.reduce<unknown>(
      (node, key) => (node as Record<string | number, unknown>)[key],
      resolved,
    ) as ComponentRef;
    const file = path.resolve(baseDir, ref.file);
    let sha256: string;
    try {
      sha256 = sourceHash(file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      return fail(
        ['model', ...at, 'file'],
        'value',
        `cannot read ${ref.file} (${code}); expected a TypeScript module`,
      );
    }
    ref.file = file;
    ref.sha256 = sha256;
  }
  return resolved;
}

/**
 * The distinct resolved components anywhere in `value` (a model config, a run's params): every
 * object with a file and the sha256 planning gave it.
 */
export function componentFiles(value: unknown): Array<ComponentRef & { sha256: string }> {
  const byFile = new Map<string, ComponentRef & { sha256: string }>();
  const visit = (node: unknown) => {
    if (typeof node !== 'object' || node === null) return;
    const ref = node as Partial<ComponentRef>;
    if (typeof ref.file === 'string' && typeof ref.sha256 === 'string')
      byFile.set(ref.file, ref as ComponentRef & { sha256: string });
    else Object.values(node).forEach(visit);
  };
  visit(value);
  return [...byFile.values()];
}

/**
 * Why this machine's copy of a component in `value` differs from the one it was planned with (the
 * first that does), or null when every file is here with the recorded source.
 */
export function componentMismatch(value: unknown): string | null {
  for (const ref of componentFiles(value)) {
    let here: string;
    try {
      here = sourceHash(ref.file);
    } catch (error) {
      return `${ref.file}: cannot read it here (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
    }
    if (here !== ref.sha256)
      return `${ref.file}: this copy has SHA-256 ${here.slice(0, 12)}, the sweep's is ${ref.sha256.slice(0, 12)}`;
  }
  return null;
}

/** Loads the model's component modules, refusing any whose source is not the planned one. */
export async function loadComponents(model: ModelConfig): Promise<ComponentModules> {
  const mismatch = componentMismatch(model);
  if (mismatch) throw new Error(`${mismatch}; the run was planned with another source`);
  const files = componentFiles(model).map((ref) => ref.file);
  const load = async (file: string) => {
    try {
      return [file, await loadUserModule(file)] as const;
    } catch (error) {
      // A module that does not compile or throws as it loads: its first line says where.
      const reason = String((error as Error).message ?? error).split('\n')[0];
      throw new Error(reason.startsWith(file) ? reason : `${file}: cannot load it (${reason})`);
    }
  };
  return new Map(await Promise.all(files.map(load)));
}
