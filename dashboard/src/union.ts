// Sweeps side by side (#/sweep/1+2): their runs as one read of a sweep, so every view of the sweep
// page (runs table, groups, heatmap and tests, the analysis of variance, signal through depth) works
// over the union unchanged. The sweep is one more param, "sweep"; a run two of them share (same
// config hash, same id) counts once, under the first sweep listed that has it. Runs whose data
// fingerprint or kernel set differ are never pooled: a param "provenance" then tells them apart, so
// every grouping keeps them apart, and the union says so in one line.
import { finalAccuracy, valueAt } from '@ablate/runner';
import type { ResultsReader, RunProvenance } from '@ablate/runner/store';
import { configDiff } from '@ablate/runner/view/diff.js';
import { canonicalJson } from '@ablate/runner/view/canonical.js';
import { assembleSweep, readSweep, type ApiRun, type ParamValue, type SweepWithRuns } from './sweep-data.ts';
import type { EpochMetric } from './metric-choices.ts';

export const SWEEP_PARAM = 'sweep';
export const PROVENANCE_PARAM = 'provenance';

export interface UnionInfo {
  sweeps: Array<{ id: number; name: string; runCount: number; configYaml: string }>;
  /** Runs in more than one of the sweeps, counted once. */
  shared: number;
  /** How each sweep's file differs from the first's: the differing config paths and their values. */
  diffs: Array<{ id: number; items: Array<{ path: string; a: unknown; b: unknown }> }>;
  /** Data and kernel sets, when the runs have more than one (then not pooled), with their run counts. */
  provenances: Array<{ key: string; runs: number }> | null;
  /** What was not pooled and why, in one line; null when every run shares data and kernels. */
  notPooled: string | null;
}

const provenanceKey = (p: RunProvenance | undefined) =>
  `data ${p?.data_fingerprint?.slice(0, 12) ?? 'unknown'}, kernels ${p?.kernels ?? 'unknown'}`;

export async function readUnion(store: ResultsReader, ids: number[]): Promise<SweepWithRuns> {
  const [reads, records, provenance] = await Promise.all([
    Promise.all(ids.map((id) => readSweep(store, id))),
    Promise.all(ids.map((id) => store.sweep(id))),
    Promise.all(ids.map((id) => store.provenanceOfSweep(id))),
  ]);
  const provenanceOf = new Map(provenance.flat().map((p) => [p.id, p]));
  // Params any sweep varies, and those the sweep files set apart (another data subset, another
  // network); a sweep that holds one fixed gives its runs the value they were configured with, read
  // from one of them.
  const first = records[0]!;
  const diffs = records
    .slice(1)
    .map((record) => ({ id: record!.id, items: configDiff(first.config, record!.config) }));
  const runPath = (path: string) => /^(data|model|train)\./.test(path);
  const paths = [
    ...new Set([
      ...reads.flatMap((read) => read.varying.filter((path) => path !== 'seed')),
      ...diffs.flatMap((diff) => diff.items.map((item) => item.path).filter(runPath)),
    ]),
  ];
  const fixed = await Promise.all(
    reads.map(async (read) => {
      const config = read.runs.length ? (await store.run(read.runs[0].id))?.config : undefined;
      return Object.fromEntries(
        paths
          .filter((path) => !read.varying.includes(path))
          .map((path) => [path, (valueAt(config, path.split('.')) ?? null) as ParamValue]),
      );
    }),
  );
  const taken = new Map<string, number>();
  const runs: ApiRun[] = [];
  reads.forEach((read, i) => {
    for (const run of read.runs) {
      if (taken.has(run.id)) continue;
      taken.set(run.id, ids[i]);
      runs.push({ ...run, params: { ...fixed[i], ...run.params, [SWEEP_PARAM]: `#${ids[i]} ${read.name}` } });
    }
  });
  const keys = new Map<string, number>();
  for (const run of runs) {
    const key = provenanceKey(provenanceOf.get(run.id));
    keys.set(key, (keys.get(key) ?? 0) + 1);
  }
  const apart = keys.size > 1;
  if (apart)
    for (const run of runs) {
      const key = provenanceKey(provenanceOf.get(run.id));
      run.params[PROVENANCE_PARAM] = key;
      // A group (one config over its seeds) never pools runs of other data or kernels.
      run.groupId = `${run.groupId} ${key}`;
    }
  rerank(runs);
  const differs = (path: string) => new Set(runs.map((run) => canonicalJson(run.params[path]))).size > 1;
  const varying = [...paths.filter(differs), SWEEP_PARAM, ...(apart ? [PROVENANCE_PARAM] : []), 'seed'];
  const shared = reads.reduce((sum, read) => sum + read.runs.length, 0) - runs.length;
  const counts = Object.fromEntries(
    Object.keys(await store.epochMetricCounts(ids[0])).map((metric) => [metric, 0]),
  ) as Record<EpochMetric, number>;
  for (const id of ids)
    for (const [metric, n] of Object.entries(await store.epochMetricCounts(id)))
      counts[metric as EpochMetric] += n;
  return assembleSweep(
    {
      id: ids.join('+'),
      members: ids,
      name: reads.map((read) => `#${read.id} ${read.name}`).join(' + '),
      createdAt: first.createdAt,
      updatedAt: records
        .map((record) => record!.updatedAt)
        .sort()
        .at(-1)!,
      configPath: null,
      configYaml: first.configYaml,
      varying,
      union: {
        sweeps: reads.map((read) => ({
          id: read.id as number,
          name: read.name,
          runCount: read.runs.length,
          configYaml: read.configYaml,
        })),
        shared,
        diffs: records
          .slice(1)
          .map((record) => ({ id: record!.id, items: configDiff(first.config, record!.config) })),
        provenances: apart ? [...keys].map(([key, n]) => ({ key, runs: n })) : null,
        notPooled: apart
          ? `Runs on ${keys.size} different data or kernel sets (${[...keys.keys()].join('; ')}) are not pooled: the param "${PROVENANCE_PARAM}" keeps them apart in every view.`
          : null,
      },
    },
    runs,
    counts,
  );
}

/**
 * Ranks the union's runs as the store ranks one sweep's (ResultsReader.sweepRuns): finished runs by
 * their final accuracy, highest first, ties to the run listed first; others unranked.
 */
function rerank(runs: ApiRun[]): void {
  const ranked = runs
    .map((run, position) => ({ run, position, value: finalAccuracy(run) }))
    .filter((entry) => entry.value !== null)
    .sort((a, b) => b.value! - a.value! || a.position - b.position);
  for (const run of runs) run.rank = null;
  ranked.forEach((entry, i) => (entry.run.rank = i + 1));
}
