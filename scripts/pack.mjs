// Packs the workspace's packages as npm installs them, into OUT (default dist/packages):
//   node scripts/pack.mjs [OUT]        prints one tarball path a line
// In the workspace the packages export their TypeScript sources, run through tsx; an install must
// compile none of it. So this script compiles every package's src/ once (tsconfig.build.json),
// stages each package with dist/ (the JavaScript and its declarations) in place of src/, rewrites
// the staged manifest to match, and runs `npm pack` on the staged copy. Written here rather than
// taken from a library: npm has no publishConfig for `exports`, and the rewrite is a few lines.
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.resolve(process.argv[2] ?? path.join(root, 'dist', 'packages'));
const build = path.join(root, 'dist', 'pack');
const compiled = path.join(build, 'js');

/** Never shipped: tests, benchmarks, build output of the workspace's own tools. */
const NOT_SHIPPED = new Set(['node_modules', 'src', 'test', 'bench', 'build', 'examples']);
const isTest = (file) => /\.test\.[cm]?[jt]s$/.test(file);

function run(command, args, cwd) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.status !== 0) {
    process.stderr.write(`${result.stdout}${result.stderr}`);
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd} (exit ${result.status})`);
  }
  return result.stdout;
}

/** `./src/a/b.ts` as the built package serves it; a pattern (`./src/view/*`) keeps its files. */
function builtExport(target) {
  if (!target.startsWith('./src/')) return target;
  const rest = target.slice('./src/'.length);
  if (!rest.endsWith('.ts')) return `./dist/${rest}`;
  const base = rest.slice(0, -'.ts'.length);
  return { types: `./dist/${base}.d.ts`, default: `./dist/${base}.js` };
}

/** The manifest npm packs: public, dist/ for src/, no workspace-only fields. */
function builtManifest(manifest) {
  const { private: _private, devDependencies: _dev, ...published } = manifest;
  published.exports = Object.fromEntries(
    Object.entries(manifest.exports ?? {}).map(([key, target]) => [key, builtExport(target)]),
  );
  published.files = [
    ...new Set(
      (manifest.files ?? []).filter((f) => !f.startsWith('!src')).map((f) => (f === 'src' ? 'dist' : f)),
    ),
  ];
  return published;
}

/** src/'s files that are not compiled (plain JS served to the browser, wasm generators, .d.ts). */
function copyPlainSources(src, dist) {
  const plain = (file) => !isTest(file) && (!file.endsWith('.ts') || /\.d\.m?ts$/.test(file));
  cpSync(src, dist, { recursive: true, filter: (file) => statSync(file).isDirectory() || plain(file) });
}

rmSync(build, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
run(
  process.execPath,
  [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
  root,
);

const { workspaces } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const folders = workspaces.flatMap((pattern) =>
  pattern.endsWith('/*')
    ? readdirSync(path.join(root, pattern.slice(0, -2))).map((name) => path.join(pattern.slice(0, -2), name))
    : [pattern],
);
for (const folder of folders) {
  const source = path.join(root, folder);
  const manifest = JSON.parse(readFileSync(path.join(source, 'package.json'), 'utf8'));
  const stage = path.join(build, 'stage', folder);
  cpSync(source, stage, { recursive: true, filter: (file) => !NOT_SHIPPED.has(path.relative(source, file)) });
  copyPlainSources(path.join(source, 'src'), path.join(stage, 'dist'));
  cpSync(path.join(compiled, folder, 'src'), path.join(stage, 'dist'), { recursive: true });
  cpSync(path.join(root, 'LICENSE'), path.join(stage, 'LICENSE'));
  writeFileSync(path.join(stage, 'package.json'), `${JSON.stringify(builtManifest(manifest), null, 2)}\n`);
  if (!existsSync(path.join(stage, 'dist', 'index.js')))
    throw new Error(`${folder}: no dist/index.js after the build`);
  const tarball = run('npm', ['pack', '--silent', '--pack-destination', out], stage).trim().split('\n').pop();
  console.log(path.join(out, tarball));
}
