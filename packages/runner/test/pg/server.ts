// A throwaway PostgreSQL server for the tests: initdb into a temp folder, listening on a Unix socket
// there and on no TCP port, stopped and deleted afterwards. initdb refuses to run as root, so as
// root the server runs as the `postgres` user. The socket trusts `postgres` (what the tests connect
// as) and asks every other role for its password, so a test of credentials can make one.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
  /** The folder of its Unix socket: a client's host (PGHOST). */
  host: string;
  /** A new, empty database on the server, as a URL (user postgres); owned by `owner` if given. */
  database(owner?: string): Promise<string>;
  /** A role that logs in with `password` only, over scram-sha-256. */
  role(name: string, password: string): Promise<void>;
  /** Runs a statement as the server's admin, on its `postgres` database (ALTER SYSTEM, ...). */
  admin(sql: string): Promise<void>;
  /** `pg_ctl restart -m fast`: every connection ended, the server up again when it returns. */
  restart(): void;
  /** Stops the server (-m fast), keeping its data and socket folder, until up(). */
  down(): void;
  up(): void;
  stop(): void;
}

export function startPostgres(): PostgresServer {
  const dir = mkdtempSync(path.join(tmpdir(), 'ablate-pg-'));
  chmodSync(dir, 0o777); // the server's user writes its data and socket here
  const data = path.join(dir, 'data');
  pgTool('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  writeFileSync(path.join(data, 'pg_hba.conf'), 'local all postgres trust\nlocal all all scram-sha-256\n');
  const ctl = (...args: string[]) =>
    pgTool('pg_ctl', [
      '-D',
      data,
      '-w',
      '-l',
      path.join(dir, 'log'),
      '-o',
      `-k ${dir} -c listen_addresses='' -c fsync=off -c max_connections=400`,
      ...args,
    ]);
  ctl('start');
  const url = (name: string) => `postgresql://postgres@/${name}?host=${dir}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: url('postgres') });
    await client.connect();
    await client.query(sql).finally(() => client.end());
  };
  let made = 0;
  return {
    host: dir,
    async database(owner) {
      const name = `t${process.pid}_${++made}`;
      await admin(`CREATE DATABASE ${name}${owner ? ` OWNER ${owner}` : ''}`);
      return url(name);
    },
    async role(name, password) {
      await admin(`CREATE ROLE ${name} LOGIN PASSWORD '${password}'`);
    },
    admin,
    restart: () => ctl('-m', 'fast', 'restart'),
    down: () => ctl('-m', 'fast', 'stop'),
    up: () => ctl('start'),
    stop() {
      try {
        pgTool('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']);
      } catch {
        // down() already
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
