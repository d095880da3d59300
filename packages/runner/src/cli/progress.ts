// Progress as a sweep runs. On a terminal: a live block (overall count with ETA, one line per
// worker) redrawn in place with ANSI cursor moves. Anywhere else (CI, a log file): plain lines,
// one per run as it ends, so logs stay readable and diffable.
import { formatDuration, type PlannedRun } from '../config/index.ts';
import type { EpochRecord, RunOutcome } from '../db/index.ts';
import type { SweepObserver, SweepStart } from '../sweep/observer.ts';
import { describeTestEpoch } from '../view/early-stop.js';
import { describePrune } from '../view/prune.js';

function describeOutcome(outcome: RunOutcome, run: PlannedRun): string {
  switch (outcome.status) {
    case 'finished':
      return `finished  test acc ${outcome.test.accuracy.toFixed(4)}${describeTestEpoch(outcome.testEpoch, outcome.epochs, run.config.train.epochs)}`;
    case 'stalled':
      // The diagnosis line after it says over which epochs the loss stalled.
      return `stalled   test acc ${outcome.test.accuracy.toFixed(4)} after ${outcome.epochs} of ${run.config.train.epochs} epochs${describeTestEpoch(outcome.testEpoch, outcome.epochs, outcome.epochs)}`;
    case 'diverged':
      return `diverged  ${outcome.reason}`;
    case 'pruned':
      return `pruned    after epoch ${outcome.epoch}: ${describePrune(outcome.decision)}`;
    case 'failed':
      return `failed    ${outcome.error}`;
    case 'interrupted':
      return 'interrupted';
  }
}

/** A stalled run's diagnosis (view/diagnosis.js, over every epoch's train loss): why it did not learn. */
const stalled = (outcome: RunOutcome) => (outcome.status === 'stalled' ? outcome.diagnosis.sentence : null);

/** Counts runs and epochs done, for the overall line and the ETA. */
class Tally {
  toTrain = 0;
  ended = 0;
  private epochsPlanned = 0;
  private epochsDone = 0;
  private readonly epochsOfRun = new Map<string, number>();
  private readonly startedAt = performance.now();

  begin(info: SweepStart): void {
    this.toTrain = info.toTrain;
    this.epochsPlanned = info.epochsToTrain;
  }

  epoch(run: PlannedRun, epoch: EpochRecord): void {
    this.epochsDone++;
    this.epochsOfRun.set(run.id, epoch.epoch);
  }

  /** A run that ends early (diverged, failed) takes its remaining epochs off the plan. */
  runEnded(run: PlannedRun): void {
    this.ended++;
    this.epochsPlanned -= run.config.train.epochs - (this.epochsOfRun.get(run.id) ?? 0);
  }

  elapsed(): number {
    return (performance.now() - this.startedAt) / 1000;
  }

  /** Share of the planned epochs done. */
  fraction(): number {
    return this.epochsPlanned > 0 ? this.epochsDone / this.epochsPlanned : 0;
  }

  eta(): string {
    if (this.epochsDone === 0) return '?';
    return formatDuration((this.elapsed() * (this.epochsPlanned - this.epochsDone)) / this.epochsDone);
  }
}

interface ThreadLine {
  run: PlannedRun;
  epoch: number;
  loss: number | null;
}

const ESC = '\x1b[';
/** Epoch reports come far faster than a terminal needs redrawing; starts and ends always redraw. */
const REDRAW_MS = 100;

function bar(fraction: number, width: number): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
}

/** The terminal view: the overall line and one per training thread, redrawn in place. */
class LiveProgress implements SweepObserver {
  private readonly out = process.stderr;
  private readonly tally = new Tally();
  private readonly threads: (ThreadLine | null)[] = [];
  private linesDrawn = 0;
  private lastDraw = 0;

  constructor(private readonly name: string) {}

  begin(info: SweepStart): void {
    this.threads.length = info.threads;
    this.threads.fill(null);
    this.tally.begin(info);
    if (info.skipped > 0) this.out.write(`${info.skipped} of ${info.total} runs already done\n`);
    this.draw(true);
  }

  runStarted(thread: number, run: PlannedRun): void {
    this.threads[thread] = { run, epoch: 0, loss: null };
    this.draw(true);
  }

  epoch(thread: number, run: PlannedRun, epoch: EpochRecord): void {
    this.tally.epoch(run, epoch);
    this.threads[thread] = { run, epoch: epoch.epoch, loss: epoch.train_loss };
    this.draw(false);
  }

  runEnded(thread: number, run: PlannedRun, outcome: RunOutcome): void {
    this.tally.runEnded(run);
    this.threads[thread] = null;
    // Runs that did not simply finish leave a permanent line above the live block.
    if (outcome.status !== 'finished') this.print(`${run.label}: ${describeOutcome(outcome, run)}`);
    const diagnosis = stalled(outcome);
    if (diagnosis) this.print(`${run.label}: ${diagnosis}`);
    this.draw(true);
  }

  private print(line: string): void {
    this.clear();
    this.out.write(`${line}\n`);
  }

  private clear(): void {
    if (this.linesDrawn > 0) this.out.write(`${ESC}${this.linesDrawn}A${ESC}0J`);
    this.linesDrawn = 0;
  }

  private draw(force: boolean): void {
    const now = performance.now();
    if (!force && now - this.lastDraw < REDRAW_MS) return;
    this.lastDraw = now;
    const width = this.out.columns || 100;
    const { ended, toTrain } = this.tally;
    // Numbers first and the label last, so a narrow terminal cuts the label, not the progress.
    const lines = [
      `${this.name}  ${bar(this.tally.fraction(), 24)}  ${ended}/${toTrain} runs  elapsed ${formatDuration(this.tally.elapsed())}  ETA ${this.tally.eta()}`,
      ...this.threads.map((line, i) => {
        if (!line) return `  t${i + 1}  idle`;
        const epochs = line.run.config.train.epochs;
        const loss = line.loss === null ? '' : `  loss ${line.loss.toPrecision(4)}`;
        return `  t${i + 1}  ${bar(line.epoch / epochs, 10)}  epoch ${line.epoch}/${epochs}${loss}  ${line.run.label}`;
      }),
    ];
    this.clear();
    this.out.write(lines.map((line) => `${line.slice(0, width - 1)}\n`).join(''));
    this.linesDrawn = lines.length;
  }
}

/** The log view: a line at the start and one per run as it ends. */
class PlainProgress implements SweepObserver {
  private readonly out = process.stderr;
  private readonly tally = new Tally();

  constructor(private readonly name: string) {}

  begin(info: SweepStart): void {
    this.tally.begin(info);
    const recovered =
      info.recovered > 0 ? `, ${info.recovered} left running by a dead process recovered` : '';
    this.out.write(
      `${this.name}: ${info.total} runs, ${info.skipped} already done${recovered}, training ${info.toTrain} on ${info.threads} thread(s)\n`,
    );
  }

  epoch(_thread: number, run: PlannedRun, epoch: EpochRecord): void {
    this.tally.epoch(run, epoch);
  }

  runEnded(_thread: number, run: PlannedRun, outcome: RunOutcome): void {
    this.tally.runEnded(run);
    const { ended, toTrain } = this.tally;
    this.out.write(
      `[${ended}/${toTrain}] ${run.label}: ${describeOutcome(outcome, run)}  (elapsed ${formatDuration(this.tally.elapsed())}, ETA ${this.tally.eta()})\n`,
    );
    const diagnosis = stalled(outcome);
    if (diagnosis) this.out.write(`  ${diagnosis}\n`);
  }
}

/**
 * The progress view for this process: bars redrawn in place on a terminal, plain lines when stderr
 * is a file or a pipe, or when TERM=dumb or NO_COLOR says the terminal should not be drawn on.
 */
export function progressFor(name: string): SweepObserver {
  const drawable = process.stderr.isTTY && process.env.TERM !== 'dumb' && !process.env.NO_COLOR;
  return drawable ? new LiveProgress(name) : new PlainProgress(name);
}
