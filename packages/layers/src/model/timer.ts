// Where a training step spends its time: a stopwatch that charges the time since the previous
// lap to a named phase. Costs one performance.now() per phase, so it can stay on in benchmarks.
export class PhaseTimer {
  /** Milliseconds per phase, summed over every step timed. */
  readonly ms: Record<string, number> = {};
  private last = 0;

  start(): void {
    this.last = performance.now();
  }

  lap(phase: string): void {
    const now = performance.now();
    this.ms[phase] = (this.ms[phase] ?? 0) + now - this.last;
    this.last = now;
  }
}
