// The `ablate` bin through npx, as a user types it, from folders of the workspace outside the
// packages: help and version for every command, paths taken from where the user stands, overrides
// recorded with the sweep, exit codes, and annotations written while a sweep trains.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '@ablate/dashboard';
import { openReader, type ResultsReader } from '@ablate/runner/store';
import { describe, expect, it } from 'vitest';
import { ablate, tempDir } from './npx.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const experiments = path.join(repoRoot, 'experiments');
const COMMANDS = ['sweep', 'worker', 'ls', 'show', 'tag', 'untag', 'note', 'rm', 'export', 'serve', 'doctor'];

const run = (args: string[], cwd = experiments) => ablate(args, cwd).done;

async function withReader<T>(db: string, fn: (reader: ResultsReader) => Promise<T>): Promise<T> {
  const reader = await openReader(db);
  return fn(reader).finally(() => reader.close());
}

describe('npx ablate', () => {
  it('answers --version and --help, for itself and every command', async () => {
    const version = await run(['--version']);
    expect(version).toMatchObject({ code: 0, stdout: expect.stringMatching(/^ablate \d+\.\d+\.\d+\n$/) });
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    for (const name of COMMANDS) expect(help.stdout).toMatch(new RegExp(`^  ${name} +\\S`, 'm'));
    for (const name of COMMANDS) {
      const result = await run([name, '--help'], repoRoot);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`^usage: ablate ${name} `));
    }
  });

  it('exits 2 with one line for bad input, naming the argument', async () => {
    const notADatabase = path.join(tempDir(), 'notes.db');
    writeFileSync(notADatabase, 'not a database\n'.repeat(100));
    const cases: [string[], RegExp][] = [
      [['bogus'], /^ablate: unknown command "bogus"/],
      [['sweep', 'nowhere.yaml'], /^ablate: nowhere\.yaml: no such sweep file/],
      [
        ['sweep', 'smoke.yaml', 'train.lr=abc', '--dry-run'],
        /^ablate: argument train\.lr=abc: train\.lr: expected a number/,
      ],
      [['sweep', 'smoke.yaml', '--workers', '0'], /^ablate: --workers: expected a positive integer/],
      [['serve', '--port', '70000'], /^ablate: serve: --port: expected 0-65535/],
      // A database that cannot be read stops serve at start, rather than failing every request.
      [
        ['serve', '--port', '0', '--db', notADatabase],
        /^ablate: serve: .*notes\.db: not an Ablate results database \(not a SQLite file\)$/m,
      ],
      [['ls', '--bogus'], /^ablate: ls: Unknown option '--bogus'/],
    ];
    for (const [args, message] of cases) {
      const result = await run(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  it('plans a sampled sweep the same in two processes', async () => {
    const dir = tempDir();
    writeFileSync(
      path.join(dir, 'sampled.yaml'),
      `name: sampled
data: { source: { kind: xor } }
model: { hidden: [4] }
train: { epochs: 2, batchSize: 4 }
sweep:
  grid: { train.init: [he_normal, glorot_uniform] }
  sample: { count: 5, seed: 3, params: { train.lr: { logUniform: [0.001, 1] } } }
`,
    );
    // npx finds the bin from any folder of the workspace; the sweep file may live anywhere.
    const file = path.join(dir, 'sampled.yaml');
    const a = await run(['sweep', file, '--dry-run']);
    const b = await run(['sweep', file, '--dry-run'], repoRoot);
    expect(a.code).toBe(0);
    expect(a.stdout).toContain('10 runs (2 grid points x 5 sampled points x 1 seed)');
    expect(b.stdout).toBe(a.stdout);
  });

  it('runs a sweep from the folder it is typed in, overrides recorded, and manages its results', async () => {
    const dir = tempDir();
    // smoke.yaml from experiments/, the database relative to it.
    const db = path.relative(experiments, path.join(dir, 'r.db'));
    const sweep = await run(['sweep', 'smoke.yaml', 'train.epochs=1', 'sweep.seeds=1', '--db', db]);
    expect(sweep.code, sweep.stderr).toBe(0);
    expect(sweep.stdout).toContain('trained 4 finished');
    // Progress on stderr, plain lines when it is not a terminal; the closing report on stdout.
    expect(sweep.stderr).toMatch(/^smoke: 4 runs, 0 already done, training 4 on \d thread/m);
    expect(sweep.stderr).toMatch(/^\[4\/4\] /m);
    expect(sweep.stdout).not.toMatch(/^\[\d\/4\]/m);
    const full = path.join(dir, 'r.db');
    const [sweepRecord, runs] = await withReader(full, async (reader) => [
      await reader.sweep(1),
      await reader.sweepRuns(1),
    ]);
    expect(sweepRecord?.configYaml).toContain(
      '# command-line overrides:\n#   train.epochs=1\n#   sweep.seeds=1\n',
    );
    expect(runs).toHaveLength(4);
    expect(runs.every((r) => r.epochsDone === 1)).toBe(true);

    const ls = await run(['ls', '--db', db]);
    expect(ls.stdout).toMatch(/^1 +smoke +4 +0 +0 +4 /m);
    const id = runs[0].id;
    expect((await run(['tag', id.slice(0, 6), 'baseline', 'keep', '--db', db])).code).toBe(0);
    expect((await run(['note', id.slice(0, 6), 'the', 'one', 'to', 'beat', '--db', db])).code).toBe(0);
    const show = await run(['show', id.slice(0, 6), '--db', db]);
    expect(show.stdout).toContain(`run ${id}`);
    expect(show.stdout).toMatch(/^tags: baseline keep$/m);
    expect(show.stdout).toMatch(/^note \(.*\): the one to beat$/m);
    expect((await run(['rm', 'smoke', '--db', db])).code).toBe(2); // no --yes
    const rm = await run(['rm', 'smoke', '--yes', '--db', db]);
    expect(rm.stdout).toContain('removed sweep #1 smoke and 4 runs');
    expect((await run(['ls', '--db', db])).stdout).toContain('no sweeps yet');
  });

  it('tags and notes a run while a sweep trains on the same database, and the dashboard shows them', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'live.db');
    // Held after its first epoch (runner's exec/hold.ts): training until the test stops it.
    const sweep = ablate(
      ['sweep', 'smoke.yaml', 'sweep.seeds=1', '--workers', '1', '--db', db],
      experiments,
      {
        ABLATE_HOLD_AT: '1:1',
      },
    );
    let trained = false;
    void sweep.done.then(() => (trained = true));
    let first: string | undefined;
    while (!first && !trained) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      first = await withReader(
        db,
        async (reader) => (await reader.sweepRuns(1)).find((r) => r.epochsDone > 0)?.id,
      ).catch(() => undefined);
    }
    if (!first) throw new Error(`the sweep ended before it was held: ${JSON.stringify(await sweep.done)}`);
    // The dashboard is open on the database while the sweep trains and the CLI annotates.
    const dashboard = await startServer({ dbPath: db, host: '127.0.0.1', port: 0 });
    try {
      const tag = await run(['tag', first, 'live', '--db', db]);
      const note = await run(['note', first, 'tagged mid-sweep', '--db', db]);
      expect([tag.code, note.code]).toEqual([0, 0]);
      const shown = (await (await fetch(`${dashboard.url}/api/runs/${first}`)).json()) as {
        tags: string[];
        notes: { text: string }[];
      };
      expect(shown.tags).toEqual(['live']);
      expect(shown.notes.map((n) => n.text)).toEqual(['tagged mid-sweep']);
      const tagged = (await (await fetch(`${dashboard.url}/api/sweeps/1/runs?tag=live&limit=10`)).json()) as {
        runs: { id: string }[];
      };
      expect(tagged.runs.map((r) => r.id)).toEqual([first]);
    } finally {
      await dashboard.close();
    }
    expect(trained).toBe(false); // the sweep was held mid-run all along
    sweep.stop();
    await sweep.done;
    // Stopped cleanly: the run in flight was marked interrupted, none is left running.
    const statuses = await withReader(db, async (reader) => (await reader.sweepRuns(1)).map((r) => r.status));
    expect(statuses).toContain('interrupted');
    expect(statuses).not.toContain('running');
  });
});
