// The start-up of `ablate --version`, installed (JavaScript from the packed tarballs) and in the
// workspace (TypeScript through tsx), against `node -e 0` on the same machine in the same run:
//   npx nx run cli:bench                      packs and installs into a temporary project first
//   npx tsx packages/cli/bench/startup.ts [--installed DIR] [--rounds 15]
// DIR: a project where the tarballs of scripts/pack.mjs are installed already. Each figure is the
// median wall time of the rounds, printed with its ratio to `node -e 0`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const { values } = parseArgs({
  options: { installed: { type: 'string' }, rounds: { type: 'string', default: '15' } },
});
const rounds = Number(values.rounds);

function check(command: string, args: string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')}: exit ${result.status}\n${result.stderr}`);
  return result.stdout;
}

/** A project with Ablate installed from freshly packed tarballs. */
function installedProject(): string {
  const project = mkdtempSync(path.join(tmpdir(), 'ablate-startup-'));
  const tarballs = check(process.execPath, ['scripts/pack.mjs', path.join(project, 'tarballs')], repoRoot);
  writeFileSync(path.join(project, 'package.json'), '{ "name": "startup", "private": true }\n');
  check('npm', ['install', '--no-audit', '--no-fund', ...tarballs.trim().split('\n')], project);
  return project;
}

/** The median wall time of `rounds` runs of the command, in seconds. */
function median(command: string, args: string[], cwd: string): number {
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const start = process.hrtime.bigint();
    check(command, args, cwd);
    times.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
}

const project = values.installed ?? installedProject();
const cases: [string, string, string[], string][] = [
  ['node -e 0 (the reference)', process.execPath, ['-e', '0'], project],
  [
    'installed: node_modules/.bin/ablate --version',
    process.execPath,
    ['node_modules/.bin/ablate', '--version'],
    project,
  ],
  ['installed: npx ablate --version', 'npx', ['ablate', '--version'], project],
  [
    'workspace: packages/cli/bin/ablate.mjs --version',
    process.execPath,
    ['packages/cli/bin/ablate.mjs', '--version'],
    repoRoot,
  ],
  ['workspace: npx ablate --version', 'npx', ['ablate', '--version'], repoRoot],
];
console.log(
  `CPU: ${cpus()[0]?.model} x ${cpus().length}, load average ${loadavg()[0].toFixed(1)}; median of ${rounds}`,
);
let reference = 0;
for (const [name, command, args, cwd] of cases) {
  const seconds = median(command, args, cwd);
  reference ||= seconds;
  console.log(`${name.padEnd(52)} ${seconds.toFixed(3)} s  ${(seconds / reference).toFixed(1)}x`);
}
