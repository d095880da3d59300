// Schema 4 -> 5: the learning-rate decay is a schedule. Until version 5 a run config carried
// `train.lrDecay`, a multiplier per epoch (1 by default); now it carries `train.schedule`, and
// lrDecay d is the schedule config/schedule.ts says it is (constant for 1, else exponential with
// gamma d), whose lr per epoch is the same number, bit for bit. ./rewrite-configs.ts re-keys the
// runs and rewrites the sweeps (their base config, and grid, link and exclude entries under
// train.lrDecay, which become train.schedule entries), so that a sweep file rewritten in today's
// language finds its finished runs. A sampled train.lrDecay (sweep.sample) is left as it was stored:
// no schedule field samples it; its runs are re-keyed like any other.
//
// Version 5 also added fields whose defaults say "off" (model.dropout 0, model.batchNorm false,
// train.clipGradNorm and train.earlyStop null): a stored config's model and train are parsed by
// today's schemas, so it holds them, as a config planned today does (the defaults are asked of the
// schemas, not listed here).
//
// PostgreSQL databases at version 4 take this too (SHARED_MIGRATIONS, postgres-tables.ts).
import { scheduleOfLrDecay } from '../config/schedule.ts';
import { model, train } from '../config/schema.ts';
import { rewriteStoredConfigs, type Json } from './rewrite-configs.ts';
import type { SqlConnection } from './sql.ts';

const OLD = 'train.lrDecay';
const NOW = 'train.schedule';

/** A version-4 config's model and train in today's shape, every default filled; a current one is kept. */
function current(config: Json): Json {
  const { lrDecay, ...rest } = config.train as Json;
  const schedule = lrDecay === undefined ? rest.schedule : scheduleOfLrDecay(lrDecay as number);
  return { ...config, model: model.parse(config.model), train: train.parse({ ...rest, schedule }) };
}

/** A grid, link group or exclusion with its train.lrDecay entry (values, or a value) as a schedule's. */
function currentEntries(entries: Json, values: (old: unknown) => unknown): Json {
  return Object.fromEntries(
    Object.entries(entries).map(([path, value]) => (path === OLD ? [NOW, values(value)] : [path, value])),
  );
}

const asSchedule = (lrDecay: unknown) => scheduleOfLrDecay(lrDecay as number);
const asSchedules = (lrDecays: unknown) => (lrDecays as unknown[]).map(asSchedule);

export function migrateLrDecay(db: SqlConnection): Promise<void> {
  return rewriteStoredConfigs(db, {
    run: current,
    sweep: (config) => {
      const sweep = config.sweep as { grid?: Json; link?: Json[]; exclude?: Json[] };
      return {
        ...current(config),
        sweep: {
          ...sweep,
          grid: currentEntries(sweep.grid ?? {}, asSchedules),
          link: (sweep.link ?? []).map((group) => currentEntries(group, asSchedules)),
          exclude: (sweep.exclude ?? []).map((entry) => currentEntries(entry, asSchedule)),
        },
      };
    },
    path: (path) => (path === OLD ? NOW : path),
  });
}
