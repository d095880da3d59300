// When the storage under a results store stops taking writes: a full disk, a read-only file, folder
// or server, a lock another program holds. Not bad input (the location was right) and not a bug: the
// user has something to fix on the machine, then a rerun resumes. Each is one line saying which
// database, what happened and what to do, and the CLI gives it its own exit code.

/** What a fault was, and what the user does about it. */
interface Fault {
  what: string;
  remedy: string;
}

const RERUN = 'rerun to resume';

/** SQLite's result codes (node-sqlite3's err.code) that mean the storage, not the statement. */
const SQLITE_FAULTS: Record<string, Fault> = {
  SQLITE_FULL: { what: 'the disk is full (SQLITE_FULL)', remedy: `free space and ${RERUN}` },
  SQLITE_READONLY: {
    what: 'the database file or its folder is read-only (SQLITE_READONLY)',
    remedy: `make both writable for this user and ${RERUN}`,
  },
  // Ablate's own writers never wait this long: a second sweep is refused by the lease (lease.ts),
  // annotations take milliseconds and readers never block a WAL writer.
  SQLITE_BUSY: {
    what: 'another program holds a lock on the database (SQLITE_BUSY)',
    remedy: `close that program and ${RERUN}`,
  },
  SQLITE_LOCKED: {
    what: 'another program holds a lock on the database (SQLITE_LOCKED)',
    remedy: `close that program and ${RERUN}`,
  },
  SQLITE_IOERR: {
    what: 'the disk could not be written (SQLITE_IOERR)',
    remedy: `check the disk and ${RERUN}`,
  },
};

/** PostgreSQL's SQLSTATEs (pg's err.code) of the same kind. */
const POSTGRES_FAULTS: Record<string, Fault> = {
  '53100': { what: "the server's disk is full (53100)", remedy: `free space on the server and ${RERUN}` },
  '25006': {
    what: 'the server is read-only (25006: a standby, or default_transaction_read_only)',
    remedy: `point --db at a writable primary and ${RERUN}`,
  },
};

/** The storage under a results database stopped taking writes; nothing half written was kept. */
export class StorageFaultError extends Error {
  override name = 'StorageFaultError';

  constructor(
    /** The database: a file path, or a URL with its password redacted. */
    readonly location: string,
    private readonly fault: Fault,
    progress?: string,
  ) {
    super(
      `results database ${location}: ${fault.what}${progress ? ` after ${progress}` : ''}; ${fault.remedy}`,
    );
  }

  /** The same fault, saying how far the work got before it ("2 of 12 runs were stored"). */
  after(progress: string): StorageFaultError {
    return new StorageFaultError(this.location, this.fault, progress);
  }
}

/** err as a StorageFaultError of the database at `location`, if it is one of those faults; else null. */
export function storageFault(location: string, err: unknown): StorageFaultError | null {
  if (err instanceof StorageFaultError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return null;
  const fault = SQLITE_FAULTS[code] ?? POSTGRES_FAULTS[code];
  return fault ? new StorageFaultError(location, fault) : null;
}

/** Runs work, turning a storage fault it throws into a StorageFaultError naming `location`. */
export async function namingFaults<T>(location: string, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    throw storageFault(location, err) ?? err;
  }
}
