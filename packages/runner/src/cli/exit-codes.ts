// The exit codes the commands share, each defined once (SIGINT's 130 and SIGTERM's 143 are
// stop-signals.ts'). Scripts and init systems tell the cases apart by them: bad input needs a new
// command line, a storage fault needs the machine fixed and then the same command again.

/** A mistake in what the user gave: one line on stderr, nothing written. */
export const BAD_INPUT_EXIT = 2;

/**
 * The results database stopped taking writes (a full disk; a read-only file, folder or server; a
 * lock another program holds): one line saying what to do, every committed run kept.
 */
export const STORAGE_FAULT_EXIT = 3;

/**
 * The results database stayed unreachable past --db-retry-seconds (a server down, restarting or
 * failing over for longer): one line, every committed epoch kept; rerun once it is back.
 */
export const DB_UNAVAILABLE_EXIT = 4;
