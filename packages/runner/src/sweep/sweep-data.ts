// The data of a sweep: each distinct data spec prepared once, in shared memory, and every run
// checked against its data (sizes, the model's fit) before any run starts or anything is written.
// Problems are ConfigErrors located in the sweep file, like planning's own.
import { DataSpecError, prepareData, shareData, type SharedPreparedData } from '@ablate/data';
import { Rng } from '@ablate/tensor';
import { RunIssue, type PlannedRun, type SweepPlan } from '../config/index.ts';
import { checkRunOnData } from '../config/validate-run.ts';
import { dataKeyOf } from '../db/index.ts';

/**
 * The data seed is fixed, not the run's: every run of a data spec trains on the same split, which
 * is what lets the sweep prepare it once and makes seeds vary only init and shuffling.
 */
const DATA_SEED = 0;

/** A dataset as the sweep holds it: shared with the workers, fingerprinted for the runs table. */
export interface SweepDataset {
  shared: SharedPreparedData;
  fingerprint: string;
}

/**
 * Prepares one data spec from this machine's copy of its source (a worker joining a sweep from
 * another machine prepares it again; the fingerprint says whether it got the same data).
 */
export function prepareDataset(spec: PlannedRun['config']['data']): SweepDataset {
  // Built in shared memory from the start, so handing it to the workers copies nothing.
  const prepared = prepareData(spec, Rng.derive(DATA_SEED, 'data'), { shared: true });
  return { shared: shareData(prepared), fingerprint: prepared.fingerprint };
}

function prepare(run: PlannedRun): SweepDataset {
  try {
    return prepareDataset(run.config.data);
  } catch (error) {
    if (error instanceof DataSpecError) throw new RunIssue(`data.${error.key}`, error.message);
    throw error;
  }
}

/** Prepares every dataset the plan needs and checks every run against its data. */
export function prepareSweepData(plan: SweepPlan): Map<string, SweepDataset> {
  const datasets = new Map<string, SweepDataset>();
  for (const run of plan.runs) {
    const key = dataKeyOf(run.config);
    let dataset = datasets.get(key);
    if (!dataset) {
      dataset = plan.checkRun(run, () => prepare(run));
      datasets.set(key, dataset);
    }
    const { shared } = dataset;
    plan.checkRun(run, () => checkRunOnData(run.config, shared));
  }
  return datasets;
}
