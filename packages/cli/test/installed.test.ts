// Ablate installed as a user installs it: the workspace's packages packed (scripts/pack.mjs), the
// tarballs installed into a new project outside the repository (the npm registry serves the
// third-party dependencies only), and the `ablate` command run there: a sweep, ls, a report, and
// the dashboard's sweep page in Chromium, and a sweep with the user's own TypeScript layer. The
// installed code is JavaScript: no TypeScript compiler and no wabt are installed with it, and tsx
// loads user files only.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeSweep } from '../../runner/test/helpers/cli.ts';
import { ablate, served, tempDir } from './npx.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

const RUNS = 4;

/** The environment of a user's shell: none of the variables `npm test` set for the workspace. */
function shellEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(npm_|INIT_CWD$|NODE_OPTIONS$|VITEST)/i.test(name)),
  );
}

function runOrThrow(command: string, args: string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, env: shellEnv(), encoding: 'utf8' });
  if (result.status !== 0)
    throw new Error(
      `${command} ${args.join(' ')} exited ${result.status}:\n${result.stdout}${result.stderr}`,
    );
  return result.stdout;
}

/** Every file under `dir`, relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)));
}

let project: string;

beforeAll(() => {
  const tarballs = runOrThrow(process.execPath, ['scripts/pack.mjs', tempDir()], repoRoot).trim().split('\n');
  expect(tarballs.map((file) => path.basename(file)).sort()).toEqual(
    ['cli', 'dashboard', 'data', 'layers', 'runner', 'tensor'].map((name) => `ablate-${name}-0.1.0.tgz`),
  );
  project = tempDir();
  expect(path.relative(repoRoot, project).startsWith('..')).toBe(true);
  writeFileSync(path.join(project, 'package.json'), '{ "name": "my-study", "private": true }\n');
  runOrThrow('npm', ['install', '--no-audit', '--no-fund', ...tarballs], project);
  writeSweep(project, 'study.yaml', { name: 'installed', lrs: [0.05, 0.1] });
}, 900_000);

describe('Ablate installed from its packed tarballs into a project of its own', () => {
  it('ships JavaScript with types and needs no TypeScript tooling at run time', () => {
    const modules = path.join(project, 'node_modules');
    // tsx is there for a user's own TypeScript components only (see below), never for Ablate's code.
    for (const tool of ['typescript', 'wabt']) expect(existsSync(path.join(modules, tool))).toBe(false);
    const shipped = filesUnder(path.join(modules, '@ablate'));
    const sources = shipped.filter((file) => /\.[cm]?ts$/.test(file) && !/\.d\.[cm]?ts$/.test(file));
    expect(sources).toEqual([]);
    for (const name of ['tensor', 'layers', 'data', 'runner', 'dashboard', 'cli'])
      expect(shipped, name).toContain(path.join(name, 'LICENSE'));
    expect(shipped).toContain(path.join('runner', 'dist', 'index.d.ts'));
    expect(shipped).toContain(path.join('tensor', 'dist', 'kernels-simd.wasm'));
  });

  it('runs a sweep into the project folder, lists it, and serves its page to Chromium', async () => {
    const sweep = await ablate(['sweep', 'study.yaml'], project, shellEnv()).done;
    expect(sweep.code, sweep.stderr).toBe(0);
    const db = path.join(project, 'results', 'ablate.db');
    expect(sweep.stdout).toContain(`results: ${db}`);

    const listed = await ablate(['ls', '--json'], project, shellEnv()).done;
    expect(listed.code, listed.stderr).toBe(0);
    const [sweepRow] = JSON.parse(listed.stdout).sweeps;
    expect(sweepRow).toMatchObject({ name: 'installed', runCount: RUNS, statusCounts: { finished: RUNS } });

    // A report of it: Chart.js inlined from the installed dashboard's dependency.
    const report = await ablate(['report', 'installed', '--out', 'study.html'], project, shellEnv()).done;
    expect(report.code, report.stderr).toBe(0);
    expect(readFileSync(path.join(project, 'study.html'), 'utf8')).toContain('Chart.js v4');

    const server = await served(ablate(['serve', '--port', '0'], project, shellEnv()));
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu'],
    });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      const failed: string[] = [];
      page.on('pageerror', (err) => errors.push(err.message));
      page.on('requestfailed', (request) => failed.push(request.url()));
      page.on('response', (response) => {
        if (response.status() >= 400) failed.push(`${response.status()} ${response.url()}`);
      });
      await page.goto(`${server.url}#/sweep/1`);
      await expect.poll(() => page.locator('span.status.finished').count(), { timeout: 30_000 }).toBe(RUNS);
      // The curves are drawn: chart.js came from the installed dashboard's dependency.
      await expect
        .poll(
          () =>
            page.$$eval('canvas', (canvases) =>
              canvases.some((canvas) => {
                const pixels =
                  canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? [];
                return pixels.some((value, i) => i % 4 === 3 && value !== 0);
              }),
            ),
          { timeout: 30_000 },
        )
        .toBe(true);
      expect(errors).toEqual([]);
      expect(failed).toEqual([]);
    } finally {
      await browser.close();
      server.stop();
      expect((await server.done).code).toBe(0);
    }
  });

  it("trains a sweep with the user's own TypeScript layer, gradient-checked first", async () => {
    copyFileSync(
      path.join(repoRoot, 'experiments/custom-layer/my-dense.ts'),
      path.join(project, 'my-dense.ts'),
    );
    const custom = writeSweep(project, 'custom.yaml', {
      name: 'custom',
      lrs: [0.1],
      epochs: 1,
      subset: 200,
      hidden: 8,
    });
    const text = readFileSync(custom, 'utf8');
    writeFileSync(
      custom,
      text.replace('  hidden: [8]\n', '  hidden: [8]\n  layers: [{ file: ./my-dense.ts }, dense]\n'),
    );
    // A project whose package.json is not "type": "module" is told why, in one line.
    const commonJs = await ablate(['check', 'custom.yaml'], project, shellEnv()).done;
    expect(commonJs.code).toBe(2);
    expect(commonJs.stderr).toContain(`does not say "type": "module"`);
    writeFileSync(
      path.join(project, 'package.json'),
      '{ "name": "my-study", "private": true, "type": "module" }\n',
    );
    const checked = await ablate(['check', 'custom.yaml'], project, shellEnv()).done;
    expect(checked.code, checked.stderr).toBe(0);
    expect(checked.stdout + checked.stderr).toContain('my-dense.ts');
    const sweep = await ablate(['sweep', 'custom.yaml', '--db', 'custom.db', '--json'], project, shellEnv())
      .done;
    expect(sweep.code, sweep.stderr).toBe(0);
    expect(JSON.parse(sweep.stdout).ended.finished).toBe(2);
  });

  it('installs without a C compiler: the native build is skipped, said in one line, and wasm trains', async () => {
    // What `npm install` runs for @ablate/tensor, on a machine whose compiler fails.
    const rebuilt = spawnSync('npm', ['rebuild', '--foreground-scripts', '@ablate/tensor'], {
      cwd: project,
      env: { ...shellEnv(), CC: 'false', CXX: 'false' },
      encoding: 'utf8',
    });
    expect(rebuilt.status, rebuilt.stderr).toBe(0);
    expect(rebuilt.stdout).toMatch(
      /tensor: native kernels not built \(node-gyp failed: .*\); the wasm kernels will be used/,
    );
    const doctor = await ablate(['doctor'], project, shellEnv()).done;
    expect(doctor.code, doctor.stderr).toBe(0);
    expect(doctor.stdout).toMatch(/^kernels: wasm-/m);
    expect(doctor.stdout).toMatch(/^native: .*node-gyp failed/m);
    const sweep = await ablate(['sweep', 'study.yaml', '--db', 'wasm.db'], project, shellEnv()).done;
    expect(sweep.code, sweep.stderr).toBe(0);
  });
});
