// `ablate doctor` states what this machine gives Ablate: each line checked against the machine the
// test runs on, through a real child process as a user would run it.
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from './helpers/cli.ts';

const versionOf = (name: string) =>
  (createRequire(import.meta.url)(`${name}/package.json`) as { version: string }).version;

/** `ablate doctor`'s "name: value" lines, by name; it must exit 0 with nothing on stderr. */
async function doctor(env: NodeJS.ProcessEnv): Promise<Record<string, string>> {
  const { code, stdout, stderr } = await runCli(['doctor'], env);
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  return Object.fromEntries(
    stdout
      .trimEnd()
      .split('\n')
      .map((line) => line.split(/: (.*)/s, 2)),
  );
}

describe('ablate doctor', () => {
  it('states the node, kernels, packages, database and cache this machine gives', async () => {
    const dir = tempDir('doctor');
    const env = { ABLATE_KERNELS: 'wasm', ABLATE_DB: path.join(dir, 'r.db'), ABLATE_CACHE_DIR: dir };
    const lines = await doctor(env);
    expect(Object.keys(lines)).toEqual([
      'ablate',
      'node',
      'kernels',
      'native',
      'sqlite3',
      'pg',
      'database',
      'cache',
    ]);
    expect(lines.node).toBe(`${process.version} (${process.execPath})`);
    expect(lines.kernels).toMatch(/^wasm-\S+ \(ABLATE_KERNELS=wasm\)$/);
    expect(lines.sqlite3).toMatch(new RegExp(`^${versionOf('sqlite3')} \\(SQLite 3\\.`));
    expect(lines.pg).toBe(versionOf('pg'));
    expect(lines.database).toBe(
      `${env.ABLATE_DB} (from $ABLATE_DB; not created yet: ablate sweep FILE creates it)`,
    );
    expect(lines.cache).toBe(dir);
  });

  it('says why the kernels are not native when native does not load, and never shows a password', async () => {
    const lines = await doctor({
      ABLATE_KERNELS: '',
      ABLATE_NATIVE_ISA: 'bogus',
      ABLATE_DB: 'postgresql://someone:s3cret@db.example/ablate',
    });
    expect(lines.kernels).toMatch(/^wasm-\S+ \(the fastest that loads here\)$/);
    expect(lines.native).toMatch(/^not available: unknown native ISA path 'bogus'/);
    expect(lines.database).toBe('postgresql://someone:***@db.example/ablate (from $ABLATE_DB)');
  });

  it('prints the same as one JSON object with --json', async () => {
    const env = { ABLATE_KERNELS: 'reference' };
    const { code, stdout } = await runCli(['doctor', '--json'], env);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual(await doctor(env));
  });
});
