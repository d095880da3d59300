// One sweep process per results database. Two writers would each take the other's runs for
// abandoned ones (a run marked running is recovered at start-up), so a second sweep on the same
// file is refused while the first is alive. The lease is a file beside the database holding the
// owner's pid; a lease whose process is gone (kill -9, power loss) is stale and is taken over.
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';

/** Another live sweep holds the database: bad input, exit code 2. */
export class DatabaseBusyError extends Error {
  override name = 'DatabaseBusyError';
}

export interface Lease {
  release(): void;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lease on dbPath for this process, or throws DatabaseBusyError while another holds it. */
export function acquireLease(dbPath: string): Lease {
  const file = `${dbPath}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return { release: () => rmSync(file, { force: true }) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = Number.parseInt(readFileSync(file, 'utf8'), 10);
    if (Number.isInteger(owner) && owner !== process.pid && alive(owner)) {
      throw new DatabaseBusyError(
        `${dbPath} is in use by another sweep (process ${owner}); wait for it to end, or use --db for another file`,
      );
    }
    rmSync(file, { force: true }); // stale: its owner is gone
  }
  throw new DatabaseBusyError(`${dbPath}: could not take the lease ${file}; another sweep is starting`);
}
