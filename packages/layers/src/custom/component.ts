// A user's own component: a weight layer, an activation or a loss in a module of its own, named in
// a model config by its file ({ file: ./my-layer.ts, ...its own options }). Whoever builds the
// model loads the modules (the runner, config/user-module.ts) and hands them to Sequential; this
// file turns a module's export into the interface its built-in peers have (Layer, Activation,
// Loss), checking what the module gave before a buffer is allocated. A bad module is a SpecError
// naming the config key, the file and what was expected.
//
// A module exports, by kind (each a factory called once per model, with the ref's own fields as
// options; shapes in the dimension legend of ../index.ts):
//   layer({ inputs, outputs, options }) -> { params, forward(y, x), backward(dx, dy, x) }
//   activation({ options })             -> { forward(out, x), backward(dx, dout, x, out) }
//   loss({ options })                   -> { fused, forward(p, y): number, backward(dp, a, y) }
// with the built-ins' conventions: outputs first, d prefixes, backward accumulating (+=).
import { Tensor, formatShape } from '@ablate/tensor';
import { z } from 'zod';
import type { Activation } from '../activations/activation.ts';
import type { Param } from '../layers/dense.ts';
import type { Layer } from '../layers/layer.ts';
import type { Loss } from '../losses/loss.ts';
import { SpecError, type SpecPath } from '../spec-error.ts';

/**
 * A custom component in a model config: its file, its source's SHA-256 (filled in by whoever
 * resolves the file, so a changed file is a changed config) and any fields of its own.
 */
export const componentRef = z.looseObject({
  file: z.string({ error: 'expected the path of a TypeScript module' }).min(1),
  sha256: z.string().optional(),
});
export type ComponentRef = z.output<typeof componentRef>;

/** Whether a config value names a custom component (rather than a built-in by name). */
export function isComponentRef(value: unknown): value is ComponentRef {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'file' in value;
}

/** The loaded modules' exports, by the `file` their refs name. */
export type ComponentModules = ReadonlyMap<string, Readonly<Record<string, unknown>>>;

export type ComponentKind = 'layer' | 'activation' | 'loss';

/** A weight layer as a module's `layer` factory returns it: its params' names are its own ("W"). */
export interface UserLayer {
  params: Param[];
  forward(y: Tensor, x: Tensor): void;
  backward(dx: Tensor | null, dy: Tensor, x: Tensor): void;
}
export type UserActivation = Pick<Activation, 'forward' | 'backward'>;
export type UserLoss = Pick<Loss, 'fused' | 'forward' | 'backward'>;

/** What a module's factory is called with. */
export interface ComponentShape {
  /** Features in and units out: a layer's (B, I) -> (B, O); absent for activations and losses. */
  inputs?: number;
  outputs?: number;
  /** The ref's own fields (file and sha256 aside). */
  options: Record<string, unknown>;
}

/** Where a ref sits in the model config and what the model calls the component. */
export interface ComponentSite {
  path: SpecPath;
  /** "custom1", "activation0": the component's name in statistics, checks and parameter names. */
  name: string;
}

/** A component's forward or backward that throws or computes non-finite values, named by its place. */
export class ComponentFault extends Error {
  override name = 'ComponentFault';
  constructor(
    readonly component: string,
    message: string,
    /** The module of a user's component (null: a built-in, or not known where it was found). */
    public file: string | null = null,
  ) {
    super(`${component}: ${message}`);
  }
}

/** Calls a user's method, naming the component and its file when it throws. */
function call<T>(site: ComponentSite, ref: ComponentRef, what: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof ComponentFault) throw error;
    throw new ComponentFault(site.name, `${what} threw: ${(error as Error).message}`, ref.file);
  }
}

function fail(site: ComponentSite, ref: ComponentRef, what: string): never {
  throw new SpecError('model', [...site.path, 'file'], `${ref.file}: ${what}`);
}

/** Calls the module's factory for kind, turning a missing export or a throw into a SpecError. */
function make(
  kind: ComponentKind,
  ref: ComponentRef,
  modules: ComponentModules | undefined,
  site: ComponentSite,
  shape: Omit<ComponentShape, 'options'>,
): Record<string, unknown> {
  const module = modules?.get(ref.file);
  if (!module) fail(site, ref, 'the module was not loaded (custom components need their modules)');
  const factory = module[kind];
  if (typeof factory !== 'function')
    fail(site, ref, `expected the module to export a function \`${kind}\` (see experiments/custom-layer/)`);
  const { file: _file, sha256: _sha256, ...options } = ref;
  let made: unknown;
  try {
    made = (factory as (shape: ComponentShape) => unknown)({ ...shape, options });
  } catch (error) {
    fail(site, ref, `\`${kind}\` threw: ${(error as Error).message}`);
  }
  if (typeof made !== 'object' || made === null) fail(site, ref, `expected \`${kind}\` to return an object`);
  return made as Record<string, unknown>;
}

function needMethods(
  site: ComponentSite,
  ref: ComponentRef,
  kind: ComponentKind,
  made: object,
  names: string[],
) {
  for (const name of names)
    if (typeof (made as Record<string, unknown>)[name] !== 'function')
      fail(site, ref, `expected the ${kind} to have a method ${name}`);
}

/** A module's layer, for a layer of `inputs` -> `outputs` units, its params named "<name>.<own name>". */
export function customLayer(
  ref: ComponentRef,
  modules: ComponentModules | undefined,
  site: ComponentSite,
  inputs: number,
  outputs: number,
): Layer {
  const made = make('layer', ref, modules, site, { inputs, outputs }) as Partial<UserLayer>;
  needMethods(site, ref, 'layer', made, ['forward', 'backward']);
  if (!Array.isArray(made.params))
    fail(site, ref, 'expected the layer to have params (an array, maybe empty)');
  const params = made.params.map((p, i): Param => {
    const ok =
      typeof p?.name === 'string' &&
      p.value instanceof Tensor &&
      p.grad instanceof Tensor &&
      formatShape(p.value.shape) === formatShape(p.grad.shape);
    if (!ok)
      fail(
        site,
        ref,
        `expected params[${i}] to be { name, value: Tensor, grad: Tensor of its shape, decay }`,
      );
    return { name: `${site.name}.${p.name}`, value: p.value, grad: p.grad, decay: p.decay === true };
  });
  const user = made as UserLayer;
  return {
    name: site.name,
    file: ref.file,
    inputs,
    outputs,
    params,
    forward: (y, x) => call(site, ref, 'forward', () => user.forward(y, x)),
    // A user's layer has no fused update: the optimizer steps its params from their grads.
    backward: (dx, dy, x) => call(site, ref, 'backward', () => user.backward(dx, dy, x)),
  };
}

/** A module's activation. */
export function customActivation(
  ref: ComponentRef,
  modules: ComponentModules | undefined,
  site: ComponentSite,
): Activation {
  const made = make('activation', ref, modules, site, {});
  needMethods(site, ref, 'activation', made, ['forward', 'backward']);
  const user = made as unknown as UserActivation;
  return {
    name: site.name,
    file: ref.file,
    forward: (out, x) => call(site, ref, 'forward', () => user.forward(out, x)),
    backward: (dx, dout, x, out) => call(site, ref, 'backward', () => user.backward(dx, dout, x, out)),
  };
}

/** A module's loss. */
export function customLoss(
  ref: ComponentRef,
  modules: ComponentModules | undefined,
  site: ComponentSite,
): Loss {
  const made = make('loss', ref, modules, site, {});
  needMethods(site, ref, 'loss', made, ['forward', 'backward']);
  if (typeof made.fused !== 'boolean')
    fail(site, ref, 'expected the loss to say fused: true (it reads logits) or false (output activations)');
  const user = made as unknown as UserLoss;
  return {
    name: site.name,
    file: ref.file,
    fused: user.fused,
    forward: (p, y) => call(site, ref, 'forward', () => user.forward(p, y)),
    backward: (dp, a, y) => call(site, ref, 'backward', () => user.backward(dp, a, y)),
  };
}

/** Every custom ref of a model config with its key path, in model order. */
export function componentRefs(model: {
  layers?: readonly unknown[];
  activation?: unknown;
  outputActivation?: unknown;
  loss?: unknown;
}): Array<{ path: SpecPath; ref: ComponentRef }> {
  const found: Array<{ path: SpecPath; ref: ComponentRef }> = [];
  const visit = (value: unknown, path: SpecPath) => {
    if (isComponentRef(value)) found.push({ path, ref: value });
    else if (Array.isArray(value)) value.forEach((v, i) => visit(v, [...path, i]));
  };
  visit(model.layers, ['layers']);
  visit(model.activation, ['activation']);
  visit(model.outputActivation, ['outputActivation']);
  visit(model.loss, ['loss']);
  return found;
}
