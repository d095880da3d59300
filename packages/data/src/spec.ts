// The data spec's schema: its rules and defaults, stated once, here (the fields are documented in
// ./types.ts; the `satisfies` clause keeps the two in step). A config language composes its own
// schema from it, and prepareData parses every spec through it.
import { z } from 'zod';
import type { DataSpec } from './types.ts';

/** A problem with a data spec, with the top-level key it concerns as data ("subset", "validation"). */
export class DataSpecError extends Error {
  override name = 'DataSpecError';

  constructor(
    readonly key: keyof DataSpec,
    message: string,
  ) {
    super(message);
  }
}

const count = z.number().int().min(1);
const index = z.number().int().min(0);

const subset = z.union([z.strictObject({ first: count }), z.strictObject({ perClass: count })], {
  error: 'expected {first: N} or {perClass: N}',
});

const source = z.discriminatedUnion('kind', [
  // No default dir here: it is a place on this machine (./sources/idx.ts finds it), not part of
  // what a run is, so it stays out of the resolved spec that run ids hash.
  z.strictObject({ kind: z.literal('mnist'), dir: z.string().min(1).optional() }),
  z.strictObject({
    kind: z.literal('csv'),
    train: z.string().min(1),
    test: z.string().min(1).optional(),
    labelColumn: z
      .union([z.string().min(1), index], { error: 'expected a column name or a 0-based index' })
      .default(0),
    // No default value: without one, the file's first line says (see SourceSpec).
    header: z.boolean().optional(),
    testFraction: z.number().gt(0).lt(1).default(0.2),
  }),
  z.strictObject({ kind: z.literal('xor') }),
  z.strictObject({ kind: z.literal('people') }),
  z.strictObject({
    kind: z.literal('spirals'),
    points: count.default(100),
    classes: z.number().int().min(2).default(2),
    noise: z.number().min(0).default(0.2),
  }),
]);

export const SCALES = ['none', 'unit', 'mean_shift', 'zscore'] as const;

export const dataSpecSchema = z.strictObject({
  source,
  scale: z.enum(SCALES).default('unit'),
  target: z
    .discriminatedUnion('kind', [
      z.strictObject({ kind: z.literal('one_hot') }),
      z.strictObject({ kind: z.literal('one_vs_rest'), positive: index }),
    ])
    .prefault({ kind: 'one_hot' }),
  subset: subset.optional(),
  testSubset: subset.optional(),
  validation: z
    .number()
    .min(0)
    .refine((v) => v < 1 || Number.isInteger(v), {
      error: 'expected 0, a count >= 1 or a fraction in (0, 1)',
    })
    .default(0),
}) satisfies z.ZodType<Required<Pick<DataSpec, 'scale' | 'target' | 'validation'>> & DataSpec, DataSpec>;

/** A data spec with every default filled in, its source's included. */
export type ResolvedDataSpec = z.output<typeof dataSpecSchema>;

/** A source with its defaults filled in: what the loaders read. */
export type ResolvedSourceSpec = ResolvedDataSpec['source'];

/** Parses a spec, turning its first issue into a DataSpecError for the top-level key at fault. */
export function resolveDataSpec(spec: DataSpec): ResolvedDataSpec {
  const result = dataSpecSchema.safeParse(spec);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue.path as (keyof DataSpec)[];
  throw new DataSpecError(path[0] ?? 'source', `${path.join('.')}: ${issue.message}`);
}

/** Runs one step of preparing a spec, blaming any error it throws on `key`. */
export function blame<T>(key: keyof DataSpec, step: () => T): T {
  try {
    return step();
  } catch (error) {
    if (error instanceof DataSpecError) throw error;
    throw new DataSpecError(key, (error as Error).message);
  }
}
