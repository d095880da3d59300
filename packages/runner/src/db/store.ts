// The results store: what the runner writes and what the CLI and the dashboard read, as one
// interface over plain records (records.ts), with two implementations: a SQLite file for one machine
// (sqlite-store.ts) and PostgreSQL for many, claiming runs with FOR UPDATE SKIP LOCKED under leases
// (postgres-store.ts). Every method is async, a claim may come back empty, and every write names
// the run it belongs to.
//
// The best run of a sweep is defined once, by the store: among its finished runs, the highest final
// validation accuracy (the accuracy of the last epoch); a run without a validation set ranks by its
// test accuracy; ties go to the run planned first. SweepRun.rank and SweepListing.best both say it.
import type { Evaluation } from '@ablate/layers';
import type {
  ClaimedRun,
  Continuation,
  EpochMetric,
  PlannedRunRecord,
  PruneRecord,
  EpochRecord,
  PlannedSweepRecord,
  Provenance,
  RunOutcome,
  RunAttempt,
  RunClaim,
  RunRecord,
  RunResults,
  RunStartRecord,
  RunNote,
  RunProvenance,
  RunStatus,
  StoredEpoch,
  StoredLayerStats,
  SweepListing,
  SweepRecord,
  SweepRun,
  SweepVersion,
  WeightsRecord,
} from './records.ts';

/** Reading a store: the CLI's closing report, the dashboard, loading a trained model. */
export interface ResultsReader {
  /** Every sweep, newest first, with its run counts by status and its best run. */
  sweepList(): Promise<SweepListing[]>;
  /** Every recorded version of a sweep name, oldest first. */
  sweepsNamed(name: string): Promise<SweepVersion[]>;
  sweep(sweepId: number): Promise<SweepRecord | null>;
  /** A sweep's runs in plan order, with their results and rank (1 = the best run). */
  sweepRuns(sweepId: number): Promise<SweepRun[]>;
  /** Where each of a sweep's runs came from (code, data, kernels), in plan order: one read for all. */
  provenanceOfSweep(sweepId: number): Promise<RunProvenance[]>;
  /** How many of a sweep's epochs have a value of each metric (no val_*: no validation set). */
  epochMetricCounts(sweepId: number): Promise<Record<EpochMetric, number>>;
  /** Every epoch of a sweep's runs, in plan order then epoch order. */
  epochsOfSweep(sweepId: number): Promise<StoredEpoch[]>;
  /** The epochs at which some run of the sweep has layer statistics, ascending. */
  layerStatEpochs(sweepId: number): Promise<number[]>;
  /** Every layer statistic of a sweep's runs at one epoch, in plan order then layer order. */
  layerStatsOfSweep(sweepId: number, epoch: number): Promise<StoredLayerStats[]>;

  run(runId: string): Promise<RunRecord | null>;
  runResults(runId: string): Promise<(RunResults & { best_epoch: number | null }) | null>;
  /** The decision that pruned a run (status pruned); null for any other run. */
  pruneDecision(runId: string): Promise<PruneRecord | null>;
  /** The decisions that pruned a sweep's runs, in plan order (none in a database from before schema 8). */
  pruneDecisionsOfSweep(sweepId: number): Promise<Array<PruneRecord & { run_id: string }>>;
  /** A finished or stalled run's evaluation on the test set (a loss stored as NaN reads back as NaN). */
  testResult(runId: string): Promise<Evaluation | null>;
  /** The sweeps a run belongs to, with its params in each. */
  sweepsOfRun(runId: string): Promise<Array<{ id: number; name: string; params: Record<string, unknown> }>>;
  /** The ids among runIds that the store knows. */
  knownRuns(runIds: readonly string[]): Promise<Set<string>>;
  /** Every epoch of these runs, by run then epoch. */
  epochsOfRuns(runIds: readonly string[]): Promise<StoredEpoch[]>;
  /** Every layer statistic of a run, by layer then epoch. */
  layerStatsOfRun(runId: string): Promise<StoredLayerStats[]>;
  /** A finished or stalled run's trained parameters; null for any other run. */
  loadWeights(runId: string): Promise<WeightsRecord | null>;
  /**
   * The planned runs not done yet that a claim on these kernels would continue from a finished
   * shorter run of their lineage (the data aside, which a claim checks too), by run id.
   */
  continuations(
    runs: ReadonlyArray<Pick<PlannedRunRecord, 'id' | 'lineage' | 'config'>>,
    kernels: string,
  ): Promise<Map<string, Continuation>>;
  /** The current status of each of these runs that the store knows. */
  statuses(runIds: readonly string[]): Promise<Map<string, RunStatus>>;
  /**
   * A cheap token that changes whenever what a page of one sweep (or, for null, the sweep list)
   * shows could have changed: a run's status or progress, an epoch, a new sweep.
   */
  changeToken(sweepId: number | null): Promise<string>;
  /** The ids of the runs whose id starts with `prefix` (how people name a run: its first digits). */
  runsByPrefix(prefix: string): Promise<string[]>;
  /** The notes on a run, oldest first. */
  notes(runId: string): Promise<RunNote[]>;
  /** A run's tags, sorted. */
  tags(runId: string): Promise<string[]>;

  close(): Promise<void>;
}

/**
 * Annotating runs: tags and notes people add (`ablate tag`, `ablate note`). Any process may write
 * them at any time, a sweep training on the same store included; they never touch results.
 */
export interface RunAnnotator {
  /** Adds tags to a run (a tag it has already is kept once). */
  tagRun(runId: string, tags: readonly string[]): Promise<void>;
  /** Removes tags from a run; those it does not have are ignored. */
  untagRun(runId: string, tags: readonly string[]): Promise<void>;
  /** Adds a note to a run. */
  noteRun(runId: string, text: string): Promise<void>;
  close(): Promise<void>;
}

/** Writing a store: one sweep process (or, in a shared store, many) planning and training runs. */
export interface ResultsStore extends ResultsReader {
  /**
   * Records a sweep version (or touches the existing one of the same name and config hash) with
   * its runs: new runs are added as pending, known runs (from this sweep or another) only linked,
   * so a run shared by sweeps is trained once. Returns the sweep's id.
   */
  planSweep(plan: PlannedSweepRecord, provenance: Provenance): Promise<number>;
  /**
   * Runs left running by a process that is gone become interrupted, to be trained again. Returns
   * how many there were.
   */
  recoverAbandoned(): Promise<number>;
  /**
   * Claims a run for training, as a new attempt, and marks it running. The attempt goes on from the
   * run's last committed epoch when its checkpoint is usable (same kernels, same data), else from
   * the end of the longest finished (or stalled) shorter run of its lineage, else from epoch 1 with
   * whatever an earlier attempt left deleted. Null when the run is not claimable (ended: finished,
   * stalled or diverged; or being trained elsewhere).
   */
  claimRun(runId: string, start: RunStartRecord): Promise<RunAttempt | null>;
  /**
   * Commits one epoch of a claimed run (its metrics, layer statistics and checkpoint, which replaces
   * the run's last) at once, or nothing, and renews the claim's lease. LeaseLostError when the claim
   * is no longer the run's current attempt.
   */
  commitEpoch(claim: RunClaim, epoch: EpochRecord): Promise<void>;
  /**
   * Records how a claimed run ended; a finished or stalled run's test results and weights with it.
   * LeaseLostError when the claim is no longer the run's current attempt.
   */
  finishRun(claim: RunClaim, end: RunOutcome): Promise<void>;
  /**
   * Parks a claimed run after its committed epoch `rung`, whose pruning decision needs runs not
   * recorded yet: released (status interrupted) with its checkpoint, to be claimed again from it.
   * LeaseLostError when the claim is no longer the run's current attempt.
   */
  parkRun(claim: RunClaim, rung: number): Promise<void>;
  /** The sweep's parked runs and the rung each waits at, in plan order. */
  parkedRuns(sweepId: number): Promise<Map<string, number>>;
  /**
   * Removes a sweep, and the runs no other sweep uses with everything they produced. Returns how
   * many runs went.
   */
  removeSweep(sweepId: number): Promise<{ runsRemoved: number }>;
  /** Resolves when every write issued so far has settled. */
  flush(): Promise<void>;
}

/** What a worker trains with; the store records the data fingerprint the sweep holds for the run's data. */
export type ClaimStart = Omit<RunStartRecord, 'dataFingerprint'>;

/**
 * A store many workers on many machines share (PostgreSQL): they claim runs one at a time, each claim
 * an attempt under a lease that commits and a heartbeat renew; a lapsed lease frees the run again.
 */
export interface SharedResultsStore extends ResultsStore {
  /**
   * Claims the sweep's first run in plan order that is pending, interrupted (not parked), or running
   * under a lapsed lease, as a new attempt starting where claimRun's would; or, given `parked`, that
   * parked run (its decision can be made now). Null when none is claimable now.
   */
  claimNext(sweepId: number, start: ClaimStart, parked?: string): Promise<ClaimedRun | null>;
  /**
   * How many of the sweep's runs have not ended and are not parked (pending, running, interrupted):
   * 0 when it is done, or when only parked runs are left, whose decisions nothing can free any more.
   */
  runsLeft(sweepId: number): Promise<number>;
  /** The sweeps with a run claimable now, oldest first. */
  sweepsWithWork(): Promise<number[]>;
}

/** A write about a run whose claim another attempt has superseded (its lease lapsed): nothing was written. */
export class LeaseLostError extends Error {
  override name = 'LeaseLostError';
}
