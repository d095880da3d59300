// Schema 3 -> 4: stored configs carry every data-source default. Until version 4 the spirals'
// points, classes and noise and a CSV's labelColumn and testFraction were filled in by the loaders,
// so a config that left them out hashed no value for them; now @ablate/data's schema fills them, and
// a run's resolved config (its id) holds them. ./rewrite-configs.ts re-keys the runs and rewrites
// the sweeps, so that a sweep rerun after the upgrade finds its finished runs.
//
// The defaults are asked of the data schema (a parse), not listed here. A data fingerprint hashes
// the resolved spec too, so the fingerprints a sweep recorded for a spec that gains values are
// dropped, to be recorded anew the next time the sweep runs; each run's data_fingerprint stays as
// the run recorded it.
//
// PostgreSQL databases of release 0.2 are at version 3 too: this runs on them as it does on SQLite
// (postgres-tables.ts).
import { dataSpecSchema } from '@ablate/data';
import { canonicalJson } from '../view/canonical.js';
import { rewriteStoredConfigs, type Json } from './rewrite-configs.ts';
import type { SqlConnection } from './sql.ts';

const withDefaults = (config: Json): Json => ({ ...config, data: dataSpecSchema.parse(config.data) });

/** Whether a data spec (parsed JSON) lacks a value its schema fills in. */
const gainsValues = (spec: unknown) => canonicalJson(dataSpecSchema.parse(spec)) !== canonicalJson(spec);

export async function migrateDataDefaults(db: SqlConnection): Promise<void> {
  await rewriteStoredConfigs(db, { run: withDefaults, sweep: withDefaults });
  const sweeps = await db.all<{ id: number; data_fingerprints_json: string }>(
    'SELECT id, data_fingerprints_json FROM sweeps WHERE data_fingerprints_json IS NOT NULL',
  );
  for (const sweep of sweeps) {
    const specs = Object.keys(JSON.parse(sweep.data_fingerprints_json) as Record<string, string>);
    if (specs.some((spec) => gainsValues(JSON.parse(spec))))
      await db.run('UPDATE sweeps SET data_fingerprints_json = NULL WHERE id = ?', [sweep.id]);
  }
}
