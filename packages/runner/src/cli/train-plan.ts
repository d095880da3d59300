// Training a plan from the command line, as `sweep` and `confirm` both do: the kernels notice,
// progress on stderr, epoch timings kept for later estimates, and Ctrl-C / SIGTERM stopping cleanly.
import { kernelsNotice } from '@ablate/tensor';
import type { SweepPlan } from '../config/index.ts';
import { formatChecks } from '../sweep/check-components.ts';
import { runSweep, type SweepOptions, type SweepResult } from '../sweep/run-sweep.ts';
import { progressFor } from './progress.ts';
import { stopOnSignals } from './stop-signals.ts';
import { TimingRecorder } from './timings.ts';

/** The sweep's result, and 130 / 143 when a signal stopped it (else null). */
export async function trainPlan(
  plan: SweepPlan,
  options: Omit<SweepOptions, 'signal' | 'observers'>,
): Promise<{ result: SweepResult; stopped: number | null }> {
  // Why the training threads run on wasm (or the reference) rather than native kernels, if they do.
  const notice = kernelsNotice();
  if (notice) process.stderr.write(`${notice}\n`);
  const stop = stopOnSignals('marking runs in flight as interrupted (rerun to resume)');
  const timings = new TimingRecorder();
  const result = await runSweep(plan, {
    ...options,
    signal: stop.signal,
    observers: [
      // The custom components' gradient checks, as they passed (a failed one throws).
      { checked: (checks) => process.stderr.write(`${formatChecks(checks)}\n`) },
      progressFor(plan.name),
      timings,
    ],
  });
  timings.save();
  return { result, stopped: stop.exitCode() };
}
