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
  z.strictObject({ kind: z.literal('mnist'), dir: z.string().min(1).optional() }),
  z.strictObject({
    kind: z.literal('csv'),
    train: z.string().min(1),
    test: z.string().min(1).optional(),
    labelColumn: z
      .union([z.string().min(1), index], { error: 'expected a column name or a 0-based index' })
      .optional(),
    header: z.boolean().optional(),
    testFraction: z.number().gt(0).lt(1).optional(),
  }),
  z.strictObject({ kind: z.literal('xor') }),
  z.strictObject({ kind: z.literal('people') }),
  z.strictObject({
    kind: z.literal('spirals'),
    points: count.optional(),
    classes: z.number().int().min(2).optional(),
    noise: z.number().min(0).optional(),
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

/** A data spec with every default filled in. */
export type ResolvedDataSpec = z.output<typeof dataSpecSchema>;

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
