// The zod schemas a sweep file is validated with: the rules and the defaults. Fields are documented
// where their types are declared (./types.ts); the `satisfies` clauses keep the two in step.
import { z } from 'zod';
import type { ActivationName, LossName, OptimizerSpec } from '@ablate/layers';
import type { DataSpec } from '@ablate/data';
import type { ModelConfig, RunConfig, SweepConfig, TrainConfig } from './types.ts';

const ACTIVATIONS = ['sigmoid', 'tanh', 'relu', 'leaky_relu', 'linear', 'softmax', 'swish'] as const;
const LOSSES = ['mse', 'mae', 'bce', 'cross_entropy'] as const;
const OPTIMIZERS = ['sgd', 'momentum', 'nesterov', 'adam', 'rmsprop', 'adagrad'] as const;
const NAMED_INITS = [
  'zeros',
  'glorot_normal',
  'glorot_uniform',
  'he_normal',
  'he_uniform',
  'lecun_normal',
] as const;

/** The train fields only some optimizers read, with those optimizers (see validate-run.ts). */
export const OPTIMIZER_FIELDS: Record<string, readonly OptimizerSpec['name'][]> = {
  momentum: ['momentum', 'nesterov'],
  momentumForm: ['momentum', 'nesterov'],
  beta1: ['adam'],
  beta2: ['adam'],
  eps: ['adam', 'rmsprop', 'adagrad'],
  rho: ['rmsprop'],
};

const count = z.number().int().min(1);
const index = z.number().int().min(0);
const unitInterval = z.number().min(0).lt(1);
// Compile-time checks that the literal lists above match the packages' unions.
const activation = z.enum(ACTIVATIONS) satisfies z.ZodType<ActivationName>;
const loss = z.enum(LOSSES) satisfies z.ZodType<LossName>;

const init = z.union(
  [
    z.enum(NAMED_INITS),
    z.discriminatedUnion('name', [
      z.strictObject({ name: z.literal('normal'), std: z.number().min(0) }),
      z.strictObject({ name: z.literal('uniform'), scale: z.number().min(0) }),
    ]),
  ],
  { error: `expected one of ${NAMED_INITS.join(', ')}, {name: normal, std} or {name: uniform, scale}` },
);

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

const data = z.strictObject({
  source,
  scale: z.enum(['none', 'unit', 'mean_shift', 'zscore']).default('unit'),
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
}) satisfies z.ZodType<DataSpec>;

const model = z.strictObject({
  hidden: z.array(count),
  activation: z
    .union([activation, z.array(activation)], { error: `expected one of ${ACTIVATIONS.join(', ')}` })
    .default('relu'),
  leakySlope: z.number().default(0.01),
  outputActivation: activation.default('softmax'),
  loss: loss.default('cross_entropy'),
}) satisfies z.ZodType<ModelConfig>;

const train = z.strictObject({
  epochs: count.default(5),
  batchSize: count.default(64),
  keepLastBatch: z.boolean().default(true),
  optimizer: z.enum(OPTIMIZERS).default('sgd'),
  lr: z.number().gt(0).default(0.1),
  lrDecay: z.number().gt(0).default(1),
  momentum: unitInterval.default(0.9),
  momentumForm: z.enum(['heavy_ball', 'ema']).default('heavy_ball'),
  beta1: unitInterval.default(0.9),
  beta2: unitInterval.default(0.999),
  eps: z.number().gt(0).default(1e-8),
  rho: unitInterval.default(0.9),
  weightDecay: z.number().min(0).default(0),
  init: init.default('he_normal'),
  biasInit: init.default('zeros'),
  divergenceLoss: z.number().gt(0).default(1e4),
}) satisfies z.ZodType<TrainConfig>;

/** One resolved run. */
export const runSchema = z.strictObject({
  data,
  model,
  train: train.prefault({}),
  seed: index,
}) satisfies z.ZodType<RunConfig>;

const axis = z.array(z.unknown()).min(1);

/** A whole sweep file. */
export const sweepSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9._-]+$/, { error: 'expected a name of a-z, 0-9, ".", "_" and "-"' }),
  data,
  model,
  train: train.prefault({}),
  sweep: z
    .strictObject({
      grid: z.record(z.string(), axis).default({}),
      link: z.array(z.record(z.string(), axis)).default([]),
      exclude: z.array(z.record(z.string(), z.unknown())).default([]),
      seeds: z
        .union([count, z.array(index).min(1)], {
          error: 'expected a count of seeds or a list of seeds (integers >= 0)',
        })
        .transform((seeds) =>
          typeof seeds === 'number' ? Array.from({ length: seeds }, (_, i) => i + 1) : seeds,
        )
        .prefault(1),
      maxRuns: count.optional(),
    })
    .prefault({}),
}) satisfies z.ZodType<SweepConfig, unknown>;

/**
 * Every dotted key path a schema accepts ("train.lr", "data.source.kind"), for checking grid keys
 * and suggesting the right spelling of a wrong one. Records and arrays are leaves.
 */
export function keyPaths(schema: z.ZodType, prefix = ''): string[] {
  const def = schema._zod.def as {
    type: string;
    innerType?: z.ZodType;
    options?: z.ZodType[];
    shape?: Record<string, z.ZodType>;
  };
  if (def.innerType) return keyPaths(def.innerType, prefix);
  if (def.options) return [...new Set(def.options.flatMap((option) => keyPaths(option, prefix)))];
  if (def.type !== 'object' || !def.shape) return [];
  return Object.entries(def.shape).flatMap(([key, child]) => [
    prefix + key,
    ...keyPaths(child, `${prefix + key}.`),
  ]);
}
