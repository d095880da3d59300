// An optimizer's config: one branch per update rule, each with that rule's fields only, written as
// an object ({name: adam, beta1: 0.95}) or as a bare name for the rule with its defaults ("adam").
import { z } from 'zod';
import { adagradConfig, adamConfig, rmspropConfig } from './adaptive.ts';
import { momentumConfig, nesterovConfig, sgdConfig } from './sgd.ts';

/** The update rules, in order of increasing complexity. */
const RULES = [sgdConfig, momentumConfig, nesterovConfig, adagradConfig, rmspropConfig, adamConfig] as const;

export const OPTIMIZERS = RULES.map((rule) => rule.shape.name.value);

/** Every field some rule reads, besides its name. */
export const OPTIMIZER_FIELDS: readonly string[] = [
  ...new Set(RULES.flatMap((rule) => Object.keys(rule.shape)).filter((key) => key !== 'name')),
];

const rule = z.discriminatedUnion('name', RULES, { error: `expected one of ${OPTIMIZERS.join(', ')}` });

/** An optimizer config with its rule's defaults filled in. */
export type OptimizerConfig = z.output<typeof rule>;
export type OptimizerName = OptimizerConfig['name'];
/** An optimizer config as written: an object whose fields with defaults may be left out, or a bare name. */
export type OptimizerInput = z.input<typeof rule> | OptimizerName;

export const optimizerConfig = z.preprocess(
  (value) => (typeof value === 'string' ? { name: value } : value),
  rule,
) as unknown as z.ZodType<OptimizerConfig, OptimizerInput>;
