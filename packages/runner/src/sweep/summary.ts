// The end-of-sweep view: runs grouped by config minus seed, with the spread over seeds of each
// group's final accuracy (validation when the run has a validation set, test otherwise).
import type { Database, RunStatus } from '../db/schema.ts';
import { mean, std } from '../view/stats.js';

export interface GroupSummary {
  groupId: string;
  /** The sweep's varying params without the seed. */
  params: Record<string, unknown>;
  runs: number;
  /** Mean and sample std of the final accuracy over the group's finished runs (null when none). */
  mean: number | null;
  std: number | null;
  finished: number;
  diverged: number;
  failed: number;
  /** Interrupted or never started. */
  unfinished: number;
}

export interface BestRun {
  runId: string;
  label: string;
  accuracy: number;
}

export interface SweepSummary {
  /** Which accuracy the means are of: "val acc", "test acc", or "val/test acc" when runs differ. */
  metric: string;
  varying: string[];
  groups: GroupSummary[];
  best: BestRun | null;
}

interface RunResultRow {
  id: string;
  group_id: string;
  label: string;
  status: RunStatus;
  params_json: string;
  final_val_acc: number | null;
  test_acc: number | null;
}

function meanStd(values: number[]): { mean: number | null; std: number | null } {
  return values.length ? { mean: mean(values), std: std(values) } : { mean: null, std: null };
}

/** The sweep's runs as they stand in the database, grouped, with the best finished run. */
export async function summarizeSweep(db: Database, sweepId: number): Promise<SweepSummary> {
  const rows = await db.all<RunResultRow>(
    `SELECT r.id, r.group_id, r.label, r.status, sr.params_json, s.final_val_acc, s.test_acc
     FROM sweep_runs sr JOIN runs r ON r.id = sr.run_id LEFT JOIN run_summary s ON s.run_id = r.id
     WHERE sr.sweep_id = ? ORDER BY sr.position`,
    [sweepId],
  );
  const sweep = await db.get<{ varying_json: string }>('SELECT varying_json FROM sweeps WHERE id = ?', [
    sweepId,
  ]);
  const varying = (JSON.parse(sweep?.varying_json ?? '[]') as string[]).filter((key) => key !== 'seed');
  const metricsUsed = new Set<string>();
  const byGroup = new Map<string, { rows: RunResultRow[]; accuracies: number[] }>();
  let best: BestRun | null = null;
  for (const row of rows) {
    const group = byGroup.get(row.group_id) ?? { rows: [], accuracies: [] };
    byGroup.set(row.group_id, group);
    group.rows.push(row);
    if (row.status !== 'finished') continue;
    const accuracy = row.final_val_acc ?? row.test_acc;
    if (accuracy === null) continue;
    metricsUsed.add(row.final_val_acc !== null ? 'val acc' : 'test acc');
    group.accuracies.push(accuracy);
    if (!best || accuracy > best.accuracy) best = { runId: row.id, label: row.label, accuracy };
  }
  const groups = [...byGroup].map(([groupId, { rows: members, accuracies }]): GroupSummary => {
    const params = JSON.parse(members[0].params_json) as Record<string, unknown>;
    const count = (status: RunStatus) => members.filter((m) => m.status === status).length;
    return {
      groupId,
      params: Object.fromEntries(varying.map((key) => [key, params[key]])),
      runs: members.length,
      ...meanStd(accuracies),
      finished: count('finished'),
      diverged: count('diverged'),
      failed: count('failed'),
      unfinished: members.length - count('finished') - count('diverged') - count('failed'),
    };
  });
  const metric = metricsUsed.size === 1 ? [...metricsUsed][0] : 'val/test acc';
  return { metric, varying, groups, best };
}
