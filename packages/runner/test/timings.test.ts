// --dry-run estimates come from epoch times a sweep on this machine recorded, never from a
// benchmark while planning: none before a first sweep, the measured mean after it.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseSweep } from '../src/config/index.ts';
import { cacheDir, estimateRuns, TimingRecorder } from '../src/cli/timings.ts';
import type { EpochRecord } from '../src/db/index.ts';
import { runCli, tempDir, writeSweep } from './helpers/cli.ts';

const yaml = (hidden: number) => `
name: t
data: { source: { kind: xor } }
model: { hidden: [${hidden}] }
train: { epochs: 3, batchSize: 4 }
sweep: { seeds: 2 }
`;

describe('epoch timings', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('live in $ABLATE_CACHE_DIR, else $XDG_CACHE_HOME/ablate, else ~/.cache/ablate', () => {
    const dir = tempDir('cache-dir');
    const [own, xdg, home] = ['own', 'xdg', 'home'].map((name) => path.join(dir, name));
    vi.stubEnv('HOME', home); // so that no case, passing or not, writes to the real home
    vi.stubEnv('ABLATE_CACHE_DIR', own);
    vi.stubEnv('XDG_CACHE_HOME', xdg);
    expect(cacheDir()).toBe(own);
    vi.stubEnv('ABLATE_CACHE_DIR', '');
    expect(cacheDir()).toBe(path.join(xdg, 'ablate'));
    const recorder = new TimingRecorder();
    recorder.epoch(0, parseSweep(yaml(2), 't.yaml').runs[0], { seconds: 1 } as EpochRecord);
    recorder.save();
    expect(readdirSync(path.join(xdg, 'ablate'))).toEqual([
      expect.stringMatching(/^epoch-timings-.*\.json$/),
    ]);
    vi.stubEnv('XDG_CACHE_HOME', 'relative/cache'); // not absolute: the XDG spec says to ignore it
    expect(cacheDir()).toBe(path.join(home, '.cache', 'ablate'));
    vi.stubEnv('XDG_CACHE_HOME', '');
    expect(cacheDir()).toBe(path.join(home, '.cache', 'ablate'));
  });

  it('estimate a run as epochs x the mean epoch time of runs of its kind, and nothing for other kinds', () => {
    const file = path.join(tempDir('timings'), 'timings.json');
    const plan = parseSweep(yaml(2), 't.yaml');
    expect(estimateRuns(plan.runs, file)).toEqual([null, null]);
    const recorder = new TimingRecorder(file);
    const epoch = (seconds: number) => ({ seconds }) as EpochRecord;
    recorder.epoch(0, plan.runs[0], epoch(0.25));
    recorder.epoch(0, plan.runs[1], epoch(0.75)); // another seed: the same kind of run
    recorder.save();
    expect(estimateRuns(plan.runs, file)).toEqual([1.5, 1.5]);
    // Means merge across sweeps, weighted by epochs.
    const again = new TimingRecorder(file);
    again.epoch(0, plan.runs[0], epoch(1.5));
    again.save();
    expect(estimateRuns(plan.runs, file)).toEqual([2.5, 2.5]);
    expect(estimateRuns(parseSweep(yaml(3), 't.yaml').runs, file)).toEqual([null, null]);
  });

  it('are written by a real sweep and read by the next dry run', async () => {
    const dir = tempDir('timings-cli');
    const env = { ABLATE_CACHE_DIR: path.join(dir, 'cache') };
    const file = writeSweep(dir, 'tiny.yaml', { lrs: [0.1], seeds: 1, epochs: 2 });
    const before = await runCli(['sweep', file, '--dry-run'], env);
    expect(before.stdout).toContain('No estimate');
    expect(existsSync(env.ABLATE_CACHE_DIR)).toBe(false); // planning writes nothing
    expect((await runCli(['sweep', file, '--db', path.join(dir, 'r.db')], env)).code).toBe(0);
    const after = await runCli(['sweep', file, '--dry-run'], env);
    expect(after.stdout).toMatch(/Estimated training time \d/);
  });
});
