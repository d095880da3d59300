// Time estimates for --dry-run, from measurements kept with the machine: every sweep records the
// mean wall time of an epoch for each kind of run it trained (same data, network and batch size:
// the things an epoch's cost depends on), and a dry run reads them back. Nothing is benchmarked
// while planning, and a kind of run never trained on this machine has no estimate.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, homedir } from 'node:os';
import path from 'node:path';
import type { PlannedRun, RunConfig } from '../config/index.ts';
import { canonicalJson } from '../view/canonical.js';
import type { EpochRecord } from '../db/index.ts';
import type { SweepObserver } from '../sweep/observer.ts';

/** Mean seconds per epoch, and how many epochs that mean is over, by cost key. */
type Timings = Record<string, { secondsPerEpoch: number; epochs: number }>;

/**
 * Ablate's cache folder, beside the user's other caches: $ABLATE_CACHE_DIR, else
 * $XDG_CACHE_HOME/ablate, else ~/.cache/ablate.
 */
export function cacheDir(): string {
  if (process.env.ABLATE_CACHE_DIR) return path.resolve(process.env.ABLATE_CACHE_DIR);
  // The XDG base directory spec says to ignore a relative XDG_CACHE_HOME, and ~/.cache is its default.
  const xdg = process.env.XDG_CACHE_HOME;
  return path.join(xdg && path.isAbsolute(xdg) ? xdg : path.join(homedir(), '.cache'), 'ablate');
}

/** The machine's epoch timings in the cache folder, one file per CPU model. */
function timingsFile(): string {
  const cpu = (cpus()[0]?.model ?? 'unknown cpu').replace(/[^A-Za-z0-9]+/g, '-');
  return path.join(cacheDir(), `epoch-timings-${cpu}.json`);
}

/** What an epoch's wall time depends on. */
function costKey(config: RunConfig): string {
  return canonicalJson({ data: config.data, model: config.model, batchSize: config.train.batchSize });
}

function load(file: string): Timings {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Timings;
  } catch {
    return {}; // none yet, or unreadable: no estimates, never an error
  }
}

/** Seconds each run should take on this machine, or null where no run of its kind was measured. */
export function estimateRuns(runs: readonly PlannedRun[], file = timingsFile()): (number | null)[] {
  const timings = load(file);
  return runs.map((run) => {
    const measured = timings[costKey(run.config)];
    return measured ? measured.secondsPerEpoch * run.config.train.epochs : null;
  });
}

/** Collects a sweep's epoch times and merges them into the machine's file. */
export class TimingRecorder implements SweepObserver {
  private readonly seen = new Map<string, { seconds: number; epochs: number }>();

  constructor(private readonly file = timingsFile()) {}

  epoch(_thread: number, run: PlannedRun, epoch: EpochRecord): void {
    const key = costKey(run.config);
    const entry = this.seen.get(key) ?? { seconds: 0, epochs: 0 };
    entry.seconds += epoch.seconds;
    entry.epochs += 1;
    this.seen.set(key, entry);
  }

  /** Writes the merged means atomically (a rename), so a concurrent reader never sees half a file. */
  save(): void {
    if (this.seen.size === 0) return;
    const timings = load(this.file);
    for (const [key, { seconds, epochs }] of this.seen) {
      const old = timings[key] ?? { secondsPerEpoch: 0, epochs: 0 };
      const total = old.epochs + epochs;
      timings[key] = { secondsPerEpoch: (old.secondsPerEpoch * old.epochs + seconds) / total, epochs: total };
    }
    mkdirSync(path.dirname(this.file), { recursive: true });
    const partial = `${this.file}.${process.pid}.tmp`;
    writeFileSync(partial, JSON.stringify(timings));
    renameSync(partial, this.file);
  }
}
