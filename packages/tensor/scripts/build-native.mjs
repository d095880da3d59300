// Builds the native kernels (run by the root postinstall): node-gyp compiles native/*.c into
// build/Release/ablate_native.node against the headers of the running Node. Never downloads
// anything: without local headers or a compiler it writes why to build/native-error.txt, prints
// one line and exits 0, and the kernels fall back to wasm (src/kernels/backend.ts says so once).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const tensor = fileURLToPath(new URL('..', import.meta.url));
const errorFile = path.join(tensor, 'build', 'native-error.txt');
// Node's own headers: <prefix>/include/node, beside bin/node.
const nodedir = path.dirname(path.dirname(process.execPath));
// npm runs scripts with its bundled node-gyp in npm_config_node_gyp; run by hand, npm's own copy.
const bundled = path.join(
  nodedir,
  'lib',
  'node_modules',
  'npm',
  'node_modules',
  'node-gyp',
  'bin',
  'node-gyp.js',
);
const nodeGyp = process.env.npm_config_node_gyp ?? (existsSync(bundled) ? bundled : undefined);

function giveUp(why) {
  mkdirSync(path.dirname(errorFile), { recursive: true });
  writeFileSync(errorFile, `${why}\n`);
  console.log(`tensor: native kernels not built (${why}); the wasm kernels will be used`);
  process.exit(0);
}

rmSync(errorFile, { force: true });
if (!existsSync(path.join(nodedir, 'include', 'node', 'node_api.h')))
  giveUp(`no Node headers in ${nodedir}/include/node`);
const command = nodeGyp ? [process.execPath, [nodeGyp]] : ['node-gyp', []];
const result = spawnSync(command[0], [...command[1], 'rebuild', `--nodedir=${nodedir}`, '--loglevel=warn'], {
  cwd: tensor,
  encoding: 'utf8',
});
if (result.error) giveUp(`node-gyp did not run: ${result.error.message}`);
if (result.status !== 0) {
  const lines = `${result.stdout}\n${result.stderr}`.split('\n').filter((l) => /error/i.test(l));
  giveUp(`node-gyp failed: ${lines[0]?.trim() ?? `exit ${result.status}`}`);
}
console.log('tensor: built build/Release/ablate_native.node');
