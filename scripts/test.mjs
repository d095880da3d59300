// The one test command (`npm test`): type-check, lint, every project's tests through Nx (cache
// bypassed), then the closing line "N passed, N failed" summed from the vitest JSON reports.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const projects = ['tensor', 'layers', 'data', 'runner', 'dashboard', 'cli'];

function step(name, command, args) {
  console.log(`\n== ${name}: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  const ok = result.status === 0;
  if (!ok) console.log(`== ${name} FAILED (exit ${result.status ?? result.signal})`);
  return ok;
}

rmSync(path.join(root, 'test-results'), { recursive: true, force: true });
const steps = [
  step('test tools', 'bash', ['scripts/ensure-test-tools.sh']),
  step('typecheck', 'npx', ['tsc', '-p', 'tsconfig.json']),
  step('lint', 'npx', ['eslint', '.']),
  step('format', 'npx', ['prettier', '--check', '.']),
  step('tests', 'npx', [
    'nx',
    'run-many',
    '-t',
    'test',
    '--skip-nx-cache',
    '--parallel=1',
    '--outputStyle=static',
  ]),
];

let passed = 0;
let failed = 0;
for (const project of projects) {
  const report = path.join(root, 'test-results', `${project}.json`);
  if (!existsSync(report)) {
    console.log(`no test report from ${project}: counted as one failure`);
    failed += 1;
    continue;
  }
  const json = JSON.parse(readFileSync(report, 'utf8'));
  passed += json.numPassedTests;
  failed += json.numFailedTests;
  if (json.numFailedTestSuites > 0 && json.numFailedTests === 0) failed += json.numFailedTestSuites;
}
const checksFailed = steps.filter((ok) => !ok).length;
if (checksFailed > 0) console.log(`${checksFailed} step(s) failed: see "FAILED" above`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && checksFailed === 0 ? 0 : 1);
