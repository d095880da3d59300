// A stored run's diagnosis (view/diagnosis.js' rule) from what the results store holds: its train
// loss per epoch, its last epoch's layer statistics, and its output size (the test confusion
// matrix's). The CLI (ablate show) and the dashboard's run API share this reading.
import type { RunConfig } from '../config/types.ts';
import { diagnose, type Diagnosis } from '../view/diagnosis.js';
import type { RunRecord } from './records.ts';
import type { ResultsReader } from './store.ts';

export async function runDiagnosis(reader: ResultsReader, run: RunRecord): Promise<Diagnosis | null> {
  if (run.status !== 'finished') return null;
  const [epochs, stats, test] = await Promise.all([
    reader.epochsOfRuns([run.id]),
    reader.layerStatsOfRun(run.id),
    reader.testResult(run.id),
  ]);
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
      })),
    outputActivation: config.model.outputActivation,
    classes: test?.confusion.length ?? null,
    lr: config.train.lr,
    stall: config.train.stall,
  });
}
