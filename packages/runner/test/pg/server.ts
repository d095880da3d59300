// A throwaway PostgreSQL server for the tests: initdb into a temp folder, listening on a Unix socket
// there and on no TCP port, stopped and deleted afterwards. initdb refuses to run as root, so as
// root the server runs as the `postgres` user.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';

const BIN = process.env.PG_BIN ?? '/usr/local/bin';

/** The command prefix that runs a PostgreSQL binary as a user it accepts. */
const asServerUser = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--'] : [];

function pgTool(tool: string, args: string[]): void {
  const [command, ...prefix] = [...asServerUser, path.join(BIN, tool)];
  execFileSync(command, [...prefix, ...args], { stdio: 'pipe' });
}

export interface PostgresServer {
  /** A new, empty database on the server, as a URL. */
  database(): Promise<string>;
  stop(): void;
}

export function startPostgres(): PostgresServer {
  const dir = mkdtempSync(path.join(tmpdir(), 'ablate-pg-'));
  chmodSync(dir, 0o777); // the server's user writes its data and socket here
  const data = path.join(dir, 'data');
  pgTool('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  pgTool('pg_ctl', [
    '-D',
    data,
    '-w',
    '-l',
    path.join(dir, 'log'),
    '-o',
    `-k ${dir} -c listen_addresses='' -c fsync=off -c max_connections=400`,
    'start',
  ]);
  const url = (name: string) => `postgresql://postgres@/${name}?host=${dir}`;
  let made = 0;
  return {
    async database() {
      const name = `t${process.pid}_${++made}`;
      const admin = new pg.Client({ connectionString: url('postgres') });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      return url(name);
    },
    stop() {
      pgTool('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
