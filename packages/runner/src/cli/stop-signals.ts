// Ctrl-C and SIGTERM for the commands that train (sweep, worker): the first stops cleanly (runs in
// flight marked interrupted, every committed epoch kept), a second one exits at once.

const EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;

export interface StopSignals {
  /** Aborted by the first SIGINT or SIGTERM. */
  signal: AbortSignal;
  /** 130 or 143 once stopped by a signal, else null. */
  exitCode(): number | null;
}

/** Listens for SIGINT and SIGTERM from now on; `what` ends the line printed on the first. */
export function stopOnSignals(what: string): StopSignals {
  const controller = new AbortController();
  let stoppedBy: keyof typeof EXIT_CODES | null = null;
  for (const name of ['SIGINT', 'SIGTERM'] as const)
    process.on(name, () => {
      if (stoppedBy) process.exit(EXIT_CODES[name]);
      stoppedBy = name;
      process.stderr.write(`\n${name}: stopping, ${what}\n`);
      controller.abort();
    });
  return { signal: controller.signal, exitCode: () => (stoppedBy ? EXIT_CODES[stoppedBy] : null) };
}
