// A results database written by release 0.1 (test/fixtures/release-0.1.db, schema version 1) under
// today's sweep command: migrated on open, its finished runs found again by the same sweeps written
// in today's language (nothing retrained), and its old sweep files refused with a pointer to the new
// key, before anything is written.
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { count, runCli, tempDir, withDb } from './helpers/cli.ts';
import { expectRerunsTrainNothing, fixture } from './helpers/migrated.ts';

function copyOfRelease(): string {
  const db = path.join(tempDir('release'), 'release-0.1.db');
  copyFileSync(fixture('release-0.1.db'), db);
  return db;
}

describe('a release-0.1 database', () => {
  it('reruns its sweeps, rewritten, without training anything again', async () => {
    const db = copyOfRelease();
    const weights = await count(db, 'SELECT * FROM weights');
    await expectRerunsTrainNothing(db, [
      ['release-0.1-rewritten.yaml', 8],
      ['release-0.1-optimizers.yaml', 3],
    ]);
    expect(await count(db, 'SELECT * FROM runs')).toBe(11);
    expect(await count(db, "SELECT * FROM runs WHERE status = 'finished'")).toBe(11);
    expect(await count(db, 'SELECT * FROM weights')).toBe(weights);
    expect(await count(db, 'SELECT * FROM sweeps')).toBe(2);
  });

  it('refuses an old sweep file in one line naming the moved key, and writes nothing', async () => {
    const db = copyOfRelease();
    const result = await runCli(['sweep', fixture('release-0.1.yaml'), '--db', db]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toMatch(
      /^ablate: .*release-0\.1\.yaml:13:3: train\.momentumForm: unknown key; did you mean optimizer\.momentumForm\?$/,
    );
    // Refused while planning: the file is still the release's, at schema version 1.
    const version = await withDb(db, (handle) =>
      handle.get<{ v: number }>('SELECT user_version AS v FROM pragma_user_version'),
    );
    expect(version?.v).toBe(1);
  });
});
