// The learning-rate schedule: one branch per rule, each with that rule's fields only, written as an
// object ({name: cosine, minLr: 0.001}) or as a bare name for the rule with its defaults, the shape
// the optimizer config has. The lr changes once per epoch, never within one: an epoch trains at one
// lr, the lr the epochs table records for it.
//
// Every rule may begin with `warmupEpochs` of linear warmup from 0: epoch e <= W trains at
// lr e / (W + 1), so the ramp would reach lr at epoch W + 1, where the rule itself starts, counting
// its epochs t = 0, 1, ... from there.
import { z } from 'zod';
import { RunIssue } from './errors.ts';

const positive = z.number().gt(0);
/** Epochs of linear warmup before the rule starts. */
const warmupEpochs = z.number().int().min(0).default(0);

const RULES = [
  /** lr throughout. */
  z.strictObject({ name: z.literal('constant'), warmupEpochs }),
  /** lr gamma^floor(t / every): multiplied by gamma every `every` epochs (PyTorch's StepLR). */
  z.strictObject({
    name: z.literal('step'),
    every: z.number().int().min(1),
    gamma: positive.default(0.1),
    warmupEpochs,
  }),
  /** lr gamma^t: multiplied by gamma after every epoch (what train.lrDecay was, up to schema version 4). */
  z.strictObject({ name: z.literal('exponential'), gamma: positive, warmupEpochs }),
  /** minLr + (lr - minLr) (1 + cos(pi t / T)) / 2 over the T = epochs - W epochs after warmup. */
  z.strictObject({ name: z.literal('cosine'), minLr: z.number().min(0).default(0), warmupEpochs }),
] as const;

export const SCHEDULES = RULES.map((rule) => rule.shape.name.value);

const rule = z.discriminatedUnion('name', RULES, { error: `expected one of ${SCHEDULES.join(', ')}` });

/** A schedule with its rule's defaults filled in. */
export type ScheduleConfig = z.output<typeof rule>;
/** A schedule as written: an object, or a bare name for a rule whose fields all have defaults. */
export type ScheduleInput = z.input<typeof rule> | ScheduleConfig['name'];

export const scheduleConfig = z.preprocess(
  (value) => (typeof value === 'string' ? { name: value } : value),
  rule,
) as unknown as z.ZodType<ScheduleConfig, ScheduleInput>;

/**
 * The schedule that says what `train.lrDecay` said up to schema version 4: 1 (its default) is a constant lr.
 * The migration of stored configs and the hint for old sweep files both ask this.
 */
export const scheduleOfLrDecay = (lrDecay: number): ScheduleInput =>
  lrDecay === 1 ? 'constant' : { name: 'exponential', gamma: lrDecay };

/** What the lr of a 1-based epoch depends on. */
interface Scheduled {
  lr: number;
  epochs: number;
  schedule: ScheduleConfig;
}

/** The learning rate a 1-based epoch trains at. */
export function lrAtEpoch({ lr, epochs, schedule }: Scheduled, epoch: number): number {
  const warmup = schedule.warmupEpochs;
  if (epoch <= warmup) return (lr * epoch) / (warmup + 1);
  const t = epoch - warmup - 1;
  switch (schedule.name) {
    case 'constant':
      return lr;
    case 'step':
      return lr * schedule.gamma ** Math.floor(t / schedule.every);
    case 'exponential':
      return lr * schedule.gamma ** t;
    case 'cosine':
      return schedule.minLr + ((lr - schedule.minLr) * (1 + Math.cos((Math.PI * t) / (epochs - warmup)))) / 2;
  }
}

/**
 * Whether the lr of an epoch depends on how many epochs the run trains (cosine's does, through T):
 * then the first epochs of a longer run are not those of a shorter one, and it cannot continue it.
 */
export const dependsOnLength = (schedule: ScheduleConfig): boolean => schedule.name === 'cosine';

/** The rules a schedule has with the rest of the run: warmup leaves epochs to train, minLr is a floor. */
export function checkSchedule({ lr, epochs, schedule }: Scheduled): void {
  if (schedule.warmupEpochs >= epochs)
    throw new RunIssue(
      'train.schedule.warmupEpochs',
      `expected fewer warmup epochs than train.epochs (${epochs}), found ${schedule.warmupEpochs}`,
    );
  if (schedule.name === 'cosine' && schedule.minLr > lr)
    throw new RunIssue('train.schedule.minLr', `expected at most train.lr (${lr}), found ${schedule.minLr}`);
}
