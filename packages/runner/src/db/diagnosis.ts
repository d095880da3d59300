// A stored run's diagnosis (view/diagnosis.js' rule) from what the results store holds: its train
// loss per epoch, its last epoch's layer statistics, and its output size (the test confusion
// matrix's). The CLI (ablate show) and the dashboard's run API share this reading; both have read
// the run's epochs and test result already and pass them in. A stalled run is diagnosed, and so is
// a finished one whose loss was flat: a version-6 database recorded no verdict, only the epochs.
import type { Evaluation } from '@ablate/layers';
import type { RunConfig } from '../config/types.ts';
import { diagnose, type Diagnosis } from '../view/diagnosis.js';
import type { RunRecord, StoredEpoch } from './records.ts';
import type { ResultsReader } from './store.ts';

export async function runDiagnosis(
  reader: ResultsReader,
  run: RunRecord,
  epochs: readonly StoredEpoch[],
  test: Evaluation | null,
): Promise<Diagnosis | null> {
  if (run.status !== 'stalled' && run.status !== 'finished') return null;
  const stats = await reader.layerStatsOfRun(run.id);
  const last = Math.max(...stats.map((row) => row.epoch));
  const config = run.config as RunConfig;
  return diagnose({
    status: run.status,
    trainLoss: epochs.map((epoch) => epoch.train_loss),
    layers: stats
      .filter((row) => row.epoch === last)
      .map((row) => ({
        name: row.name,
        grad_std: row.grad_std ?? NaN,
        act_mean: row.act_mean ?? NaN,
        act_std: row.act_std ?? NaN,
        // Absent from a database read as it is, before version 7.
        update_ratio: row.update_ratio ?? null,
        dead_fraction: row.dead_fraction ?? null,
      })),
    outputActivation: config.model.outputActivation,
    classes: test?.confusion.length ?? null,
    lr: epochs.at(-1)?.lr ?? config.train.lr,
    stall: config.train.stall,
  });
}
