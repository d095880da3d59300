// What a sweep tells whoever watches it (the CLI's progress and timings, a script's own observer).
import type { RunListener } from '../exec/messages.ts';
import type { ComponentCheck } from './check-components.ts';

export interface SweepStart {
  /** Runs in the plan. */
  total: number;
  /** Runs this invocation will train, and their epochs in all. */
  toTrain: number;
  epochsToTrain: number;
  /** Runs already finished or diverged. */
  skipped: number;
  /** Runs a dead process had left marked running. */
  recovered: number;
  /** Training threads. */
  threads: number;
}

/**
 * Receives progress as it happens, each epoch and run end once the store has committed it (what
 * an observer shows as finished is in the database); every method is optional.
 */
export interface SweepObserver extends RunListener {
  /** The gradient checks of the sweep's custom components, all passed (none: not called). */
  checked?(checks: readonly ComponentCheck[]): void;
  begin?(info: SweepStart): void;
}
