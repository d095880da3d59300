// Credentials never on a command line nor in output: the documented commands (sweep, worker, ls,
// show, export, serve) through npx against a PostgreSQL role that logs in with a password only,
// given through PGPASSWORD and then through a password file (PGPASSFILE); none of their output, and
// none of the command lines of the processes they start (npx, sh -c, node), holds the password.
// Also ABLATE_DB for the default database, and `serve` refusing a busy port or an unreadable
// database in one line, exit code 2.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveCommand } from '@ablate/dashboard/serve';
import { DB_UNAVAILABLE_EXIT, RUNNER_COMMANDS } from '@ablate/runner/cli';
import { openStore } from '@ablate/runner/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir, waitFor, writeSweep } from '../../runner/test/helpers/cli.ts';
import { pgRows } from '../../runner/test/pg/cluster.ts';
import { startPostgres, type PostgresServer } from '../../runner/test/pg/server.ts';
import { ablate, ablateProcess, processes, served, type Result, type Started } from './npx.ts';

const experiments = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../../experiments');
const ROLE = 'ablate';
const PASSWORD = `s3cret-${randomBytes(6).toString('hex')}`;
/** Left out of every command's environment, so that only what a test gives reaches it. */
const LEFT_OUT = ['PGHOST', 'PGPORT', 'PGUSER', 'PGPASSWORD', 'PGDATABASE', 'PGPASSFILE', 'ABLATE_DB'];

/** `npx ablate <args>` from experiments/, none of LEFT_OUT given but those in `env`. */
function ablateWith(args: string[], env: NodeJS.ProcessEnv = {}): Started {
  return ablate(args, experiments, {
    ...Object.fromEntries(LEFT_OUT.map((name) => [name, undefined])),
    ...env,
  });
}

/** What a running command shows in `ps` (npx, node, any shell between), none with the password. */
function expectNoPasswordInPs(started: Started): void {
  ablateProcess(started.group);
  for (const { commandLine } of processes(started.group)) expect(commandLine).not.toContain(PASSWORD);
}

/** A command's exit, without the password anywhere in what it printed. */
async function clean(started: Started): Promise<Result> {
  const result = await started.done;
  expect(result.code, result.stderr).toBe(0);
  expect(result.stdout + result.stderr).not.toContain(PASSWORD);
  // pg's own ~/.pgpass fallback announces its deprecation: the file must be read through ours.
  expect(result.stderr).not.toContain('DeprecationWarning');
  return result;
}

/** The exit of a command that must end by itself (today's `serve` on a bad database does not). */
async function endsWithin(started: Started, ms = 40_000): Promise<Result> {
  const timer = setTimeout(() => process.kill(-started.group, 'SIGKILL'), ms);
  return started.done.finally(() => clearTimeout(timer));
}

/** A one-line refusal with exit code 2. */
function expectRefusal(result: Result, message: RegExp): void {
  expect(result.code, result.stdout + result.stderr).toBe(2);
  expect(result.stderr).toMatch(message);
  expect(result.stderr.trim().split('\n')).toHaveLength(1);
}

let server: PostgresServer;
const dir = tempDir('credentials');
/** Two runs of two epochs: a sweep and a worker hold one each. */
const sweep = writeSweep(dir, 'tiny.yaml', { lrs: [0.1], seeds: 2, epochs: 2 });

beforeAll(async () => {
  server = startPostgres();
  await server.role(ROLE, PASSWORD);
});
afterAll(() => server?.stop());

/** A new database of the password-only role: its name, and a URL to check it as the server's admin. */
async function database(): Promise<{ name: string; admin: string }> {
  const admin = await server.database(ROLE);
  return { name: (/\/(\w+)\?/.exec(admin) as RegExpExecArray)[1], admin };
}

const givenBy: [string, () => NodeJS.ProcessEnv][] = [
  ['PGPASSWORD', () => ({ PGPASSWORD: PASSWORD, PGPASSFILE: path.join(dir, 'no-such-file') })],
  [
    'a password file (PGPASSFILE)',
    () => {
      const file = path.join(dir, 'pgpass');
      // libpq's format, and its rule: a file others may read is ignored.
      writeFileSync(file, `*:*:*:${ROLE}:${PASSWORD}\n`, { mode: 0o600 });
      return { PGPASSFILE: file };
    },
  ],
];

describe('a password given only through the environment', () => {
  it.each(givenBy)(
    'through %s: sweep, worker, ls, show, export and serve work, and neither output nor ps shows it',
    async (_how, credentials) => {
      const { name, admin } = await database();
      const url = `postgresql:///${name}`;
      const env = { ...credentials(), PGHOST: server.host, PGUSER: ROLE };

      // A sweep and a worker, each held mid-run (exec/hold.ts) while ps is read.
      const held = { ...env, ABLATE_HOLD_AT: '1:1' };
      const sweeping = ablateWith(['sweep', sweep, '--db', url, '--workers', '1'], held);
      const heldRuns = (n: number) => async () =>
        (
          await pgRows<{ n: number }>(
            admin,
            "SELECT count(*)::int AS n FROM runs WHERE status = 'running' AND epochs_done = 1",
          )
        )[0].n === n;
      await waitFor(heldRuns(1), 50_000);
      const working = ablateWith(['worker', '--workers', '1'], { ...held, ABLATE_DB: url });
      await waitFor(heldRuns(2), 50_000);
      expectNoPasswordInPs(sweeping);
      expectNoPasswordInPs(working);
      for (const started of [sweeping, working]) process.kill(-started.group, 'SIGCONT');
      expect((await clean(sweeping)).stdout).toContain('best run:');
      expect((await clean(working)).stdout).toContain('trained 1 finished');

      // The default database from ABLATE_DB: no --db at all.
      const fromVariable = { ...env, ABLATE_DB: url };
      expect((await clean(ablateWith(['ls'], fromVariable))).stdout).toMatch(/^1 +tiny +2 /m);
      const [{ id }] = await pgRows<{ id: string }>(admin, 'SELECT id FROM runs ORDER BY id LIMIT 1');
      expect((await clean(ablateWith(['show', id.slice(0, 8)], fromVariable))).stdout).toContain(`run ${id}`);
      const copy = path.join(dir, `${name}.db`);
      await clean(ablateWith(['export', '1', '--to', copy], fromVariable));
      expect(existsSync(copy)).toBe(true);

      const dashboard = await served(ablateWith(['serve', '--port', '0', '--db', url], env));
      try {
        const sweeps = await fetch(`${dashboard.url}api/sweeps`);
        expect(sweeps.status).toBe(200);
        expect(JSON.stringify(await sweeps.json())).toContain('"tiny"');
        expectNoPasswordInPs(dashboard);
      } finally {
        dashboard.stop();
      }
      expect((await clean(dashboard)).stdout).toContain(`results database: ${url}`);
    },
    240_000,
  );

  it('serve shows a URL with a password in it redacted', async () => {
    const { name } = await database();
    const typed = `postgresql://${ROLE}:${PASSWORD}@/${name}?host=${server.host}`;
    await (await openStore(typed)).close(); // the schema, for serve to read
    const dashboard = await served(ablateWith(['serve', '--port', '0', '--db', typed]));
    try {
      expect((await fetch(`${dashboard.url}api/sweeps`)).status).toBe(200);
    } finally {
      dashboard.stop();
    }
    const { stdout, stderr } = await dashboard.done;
    expect(stdout).toContain(`results database: postgresql://${ROLE}:***@/${name}`);
    expect(stdout + stderr).not.toContain(PASSWORD);
  }, 60_000);
});

describe('serve refuses to start, in one line with exit code 2 (4 for a server that stays away)', () => {
  // A server that is not there is waited for (--db-retry-seconds), then exit 4: below.
  it('on a database it cannot open: a wrong password, none given', async () => {
    const { name } = await database();
    const nowhere = tempDir('no-server');
    const cases: [string[], NodeJS.ProcessEnv, RegExp][] = [
      [
        ['--db', `postgresql:///${name}`],
        { PGHOST: server.host, PGUSER: ROLE, PGPASSWORD: 'wrong' },
        /^ablate: serve: cannot connect to postgresql:\/\/\/\w+: password authentication failed for user "ablate"/,
      ],
      [
        ['--db', `postgresql:///${name}`],
        { PGHOST: server.host, PGUSER: ROLE, PGPASSFILE: path.join(nowhere, 'none') },
        /^ablate: serve: cannot connect to postgresql:\/\/\/\w+: no password for user ablate: give it in PGPASSWORD/,
      ],
    ];
    for (const [args, env, message] of cases)
      expectRefusal(await endsWithin(ablateWith(['serve', '--port', '0', ...args], env)), message);
  }, 150_000);

  it('on a server still away after --db-retry-seconds: exit 4, its last line saying so', async () => {
    const { name } = await database();
    const nowhere = tempDir('no-server');
    const shown = `postgresql://${ROLE}@/${name}?host=${nowhere}`.replace('?', '\\?');
    const result = await endsWithin(
      ablateWith([
        'serve',
        '--port',
        '0',
        '--db-retry-seconds',
        '1',
        '--db',
        `postgresql://${ROLE}@/${name}?host=${nowhere}`,
      ]),
    );
    expect(result.code, result.stderr).toBe(DB_UNAVAILABLE_EXIT);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      new RegExp(
        `^ablate: results database ${shown} unreachable \\(.*ENOENT.*\\); waiting up to 1 s for it$`,
      ),
    );
    expect(lines[1]).toMatch(
      new RegExp(`^ablate: results database ${shown}: unreachable for 1 s \\(.*ENOENT`),
    );
  }, 60_000);

  it('on a busy port', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as { port: number };
    try {
      const result = await endsWithin(ablateWith(['serve', '--port', String(port)]));
      expectRefusal(
        result,
        new RegExp(
          `^ablate: serve: port ${port} is in use \\(another program listens there\\): pass --port N, or --port 0 for any free port\n$`,
        ),
      );
    } finally {
      taken.close();
    }
  }, 60_000);
});

describe('ABLATE_DB', () => {
  it('names the database of every command without --db, a path taken from where the command runs', async () => {
    const folder = tempDir('ablate-db');
    mkdirSync(path.join(folder, 'results'));
    const env = { ABLATE_DB: path.relative(experiments, path.join(folder, 'results', 'r.db')) };
    const trained = await ablateWith(['sweep', sweep, '--workers', '1'], env).done;
    expect(trained.code, trained.stderr).toBe(0);
    expect(trained.stdout).toContain(`results: ${path.join(folder, 'results', 'r.db')}`);
    const ls = await ablateWith(['ls'], env).done;
    expect(ls.stdout).toMatch(/^1 +tiny +2 /m);
  }, 120_000);

  it('is the default every --help states', () => {
    for (const command of [...RUNNER_COMMANDS, serveCommand].filter((c) => c.usage.includes('--db')))
      expect(command.usage, command.name).toMatch(/\$ABLATE_DB\b/);
  });
});
