// The README's TypeScript example (examples/api.ts), run for real as a user runs it (tsx, in a
// folder of their own, the default database there): what its observer and its reader print agrees
// with the database it wrote.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from './helpers/workspace.ts';
import { tempDir, withDb } from './helpers/cli.ts';

const TSX = path.join(repoRoot, 'node_modules', '.bin', 'tsx');
const EXAMPLE = path.join(repoRoot, 'packages', 'runner', 'examples', 'api.ts');
const RUNS = 4;

describe('examples/api.ts', () => {
  const dir = tempDir('api-example');
  const dbPath = path.join(dir, 'api-example.db');
  let lines: string[];

  beforeAll(async () => {
    const { stdout } = await promisify(execFile)(TSX, [EXAMPLE], { cwd: dir });
    lines = stdout.trim().split('\n');
  });

  it('plans the object and trains every run, its observer hearing each end', async () => {
    const trained = lines.filter((line) => line.startsWith('trained '));
    expect(trained).toHaveLength(RUNS);
    const runs = await withDb(dbPath, (db) =>
      db.all<{ id: string; label: string; status: string; accuracy: number }>(
        'SELECT r.id, r.label, r.status, t.accuracy FROM runs r JOIN test_results t ON t.run_id = r.id',
      ),
    );
    expect(trained.sort()).toEqual(
      runs
        .map((run) => `trained ${run.id} (${run.label}): ${run.status}, test acc ${run.accuracy.toFixed(4)}`)
        .sort(),
    );
    const sweep = await withDb(dbPath, (db) =>
      db.get<{ id: number; config_path: string | null; config_yaml: string }>('SELECT * FROM sweeps'),
    );
    expect(lines).toContain(`sweep #${sweep?.id}: ${RUNS} finished now, 0 already done`);
    // No file behind it: the store records the object as YAML.
    expect(sweep?.config_path).toBeNull();
    expect(sweep?.config_yaml).toMatch(/^name: api-example\n/);
  });

  it('reads every run back through the store, ranked by final val acc', async () => {
    const finals = await withDb(dbPath, (db) =>
      db.all<{ id: string; label: string; val_acc: number }>(
        `SELECT r.id, r.label, e.val_acc FROM sweep_runs sr JOIN runs r ON r.id = sr.run_id
           JOIN epochs e ON e.run_id = r.id AND e.epoch = r.epochs_done ORDER BY sr.position`,
      ),
    );
    const ranked = [...finals].sort((a, b) => b.val_acc - a.val_acc);
    const read = lines.slice(-RUNS);
    expect(read).toEqual(
      finals.map(
        (run) =>
          `${run.id} (${run.label}): finished, final val acc ${run.val_acc.toFixed(4)}, rank ${ranked.indexOf(run) + 1}`,
      ),
    );
  });
});
