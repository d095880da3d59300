// Schema 1 -> 2, the data half: stored configs take the current optimizer shape. Release 0.1 kept
// every optimizer's fields flat in `train` (a momentum run carried beta1, beta2, rho and eps), with
// `train.optimizer` a bare name; now `train.optimizer` is the rule with its own fields only. The
// runs are re-keyed and the sweeps' grid keys renamed by ./rewrite-configs.ts, so that the same
// sweep written in today's language finds its finished runs instead of training them again.
//
// Which fields belong to which rule is asked of @ablate/layers' optimizer schema, not listed here.
// Two release-0.1 runs that differ only in fields their optimizer ignored are one run now.
import { OPTIMIZER_FIELDS, optimizerConfig } from '@ablate/layers';
import type { Database } from './database.ts';
import { rewriteStoredConfigs, type Json } from './rewrite-configs.ts';

/** A release-0.1 train section in today's shape; an already current one is returned as it is. */
function currentTrain(train: Json): Json {
  if (typeof train.optimizer !== 'string') return train;
  const rest: Json = {};
  const fields: Json = {};
  for (const [key, value] of Object.entries(train)) {
    if (key === 'optimizer') continue;
    if (OPTIMIZER_FIELDS.includes(key)) fields[key] = value;
    else rest[key] = value;
  }
  // Keep the fields the rule reads, dropping the ones it ignored.
  const name = train.optimizer;
  const own = Object.fromEntries(
    Object.entries(fields).filter(
      ([key, value]) => optimizerConfig.safeParse({ name, [key]: value }).success,
    ),
  );
  return { ...rest, optimizer: optimizerConfig.parse({ name, ...own }) };
}

/** A dotted path as today's config spells it: "train.momentum" -> "train.optimizer.momentum". */
function currentPath(path: string): string {
  const [head, field, ...tail] = path.split('.');
  return head === 'train' && tail.length === 0 && field !== undefined && OPTIMIZER_FIELDS.includes(field)
    ? `train.optimizer.${field}`
    : path;
}

const renameKeys = (map: Json): Json =>
  Object.fromEntries(Object.entries(map).map(([key, value]) => [currentPath(key), value]));

export function migrateOptimizerConfigs(db: Database): Promise<void> {
  return rewriteStoredConfigs(db, {
    run: (config) => ({ ...config, train: currentTrain(config.train as Json) }),
    sweep: (config) => {
      const grid = config.sweep as { grid?: Json; link?: Json[]; exclude?: Json[] };
      return {
        ...config,
        train: currentTrain(config.train as Json),
        sweep: {
          ...grid,
          grid: renameKeys(grid.grid ?? {}),
          link: (grid.link ?? []).map(renameKeys),
          exclude: (grid.exclude ?? []).map(renameKeys),
        },
      };
    },
    path: currentPath,
  });
}
