// The zod schemas a sweep file is validated with, composed from the layers' and data's own pieces
// (their names, rules and defaults live there); the runner adds only what is its own: epochs,
// batches, the learning-rate schedule, divergence and the sweep. Fields are documented where their
// types are declared (./types.ts); the `satisfies` clauses keep the two in step.
import { z } from 'zod';
import { clipGradNorm, modelSpecSchema, OPTIMIZERS, optimizerConfig, weightDecay } from '@ablate/layers';
import { dataSpecSchema } from '@ablate/data';
import { pruneRule } from './prune-rule.ts';
import { scheduleConfig } from './schedule.ts';
import type { ModelConfig, RunConfig, SweepConfig, TrainConfig } from './types.ts';

const count = z.number().int().min(1);
const index = z.number().int().min(0);
/** The run config's `model`. */
export const model = modelSpecSchema.pick({
  hidden: true,
  layers: true,
  activation: true,
  leakySlope: true,
  dropout: true,
  batchNorm: true,
  outputActivation: true,
  loss: true,
}) satisfies z.ZodType<ModelConfig, unknown>;

/** The run config's `train`. */
export const train = z.strictObject({
  epochs: count.default(5),
  batchSize: count.default(64),
  keepLastBatch: z.boolean().default(true),
  // Without one, the simplest rule: layers lists them in order of increasing complexity.
  optimizer: optimizerConfig.prefault(OPTIMIZERS[0]),
  lr: z.number().gt(0).default(0.1),
  schedule: scheduleConfig.prefault('constant'),
  weightDecay,
  clipGradNorm,
  earlyStop: z
    .strictObject({
      metric: z.enum(['val_loss', 'val_acc']).default('val_loss'),
      patience: count.default(5),
      minDelta: z.number().min(0).default(0),
      restoreBest: z.boolean().default(false),
    })
    .nullable()
    .default(null),
  init: modelSpecSchema.shape.init,
  biasInit: modelSpecSchema.shape.biasInit,
  divergenceLoss: z.number().gt(0).default(1e4),
  // No defaults filled in (view/diagnosis.js' STALL holds them): a config without it keeps its id.
  stall: z.strictObject({ epochs: count.optional(), tolerance: z.number().gt(0).optional() }).optional(),
}) satisfies z.ZodType<TrainConfig, unknown>;

const data = dataSpecSchema;

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
      sample: z
        .strictObject({
          count,
          seed: index.default(0),
          // Each distribution is checked where it is drawn (sample.ts), with its own message.
          params: z.record(z.string(), z.unknown()),
        })
        .optional(),
      maxRuns: count.optional(),
      prune: pruneRule.optional(),
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
    out?: z.ZodType;
    options?: z.ZodType[];
    shape?: Record<string, z.ZodType>;
  };
  if (def.innerType) return keyPaths(def.innerType, prefix);
  if (def.out) return keyPaths(def.out, prefix); // a preprocessed value: its parsed shape
  if (def.options) return [...new Set(def.options.flatMap((option) => keyPaths(option, prefix)))];
  if (def.type !== 'object' || !def.shape) return [];
  return Object.entries(def.shape).flatMap(([key, child]) => [
    prefix + key,
    ...keyPaths(child, `${prefix + key}.`),
  ]);
}
