// Compares builds of the native addon (not a test): the same matmuls on each, in one process,
// alternating build by build in every round, so that the machine's drift over minutes (a VM's
// neighbours) lands on all of them alike; the median of the rounds, in GFLOP/s. How the matmul
// changes in README.md were measured:
//
//   cp build/Release/ablate_native.node /tmp/before.node      # then change native/, and
//   node scripts/build-native.mjs && cp build/Release/ablate_native.node /tmp/after.node
//   npx tsx bench/builds.ts /tmp/before.node /tmp/after.node [--cases AtB:784:50000:395,...] [--rounds 9]
//     [--isa avx2|portable|...: an ISA path other than the best this CPU runs]
//
// A case is form:M:K:N, the form AB (a b), AtB (a^T b) or ABt (a b^T); the default cases are
// lesson 002's largest (a full batch of 50,000) and the lessons' 128-row ones.
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import type { NativeSet } from '../src/native/native.ts';

const FORMS = { AB: 0, AtB: 1, ABt: 2 } as const;
const DEFAULT_CASES =
  'AB:50000:784:395,AtB:784:50000:395,AB:50000:395:200,ABt:50000:200:395,AtB:395:50000:200,' +
  'AB:128:784:128,AtB:784:128:128,ABt:128:128:784';

const { values, positionals: files } = parseArgs({
  allowPositionals: true,
  options: {
    cases: { type: 'string', default: DEFAULT_CASES },
    rounds: { type: 'string', default: '9' },
    isa: { type: 'string' },
  },
});
function fail(message: string): never {
  console.error(`builds: ${message}`);
  process.exit(1);
}
if (files.length === 0) fail('give the .node files of the builds to compare');
const rounds = Number(values.rounds);
const require = createRequire(import.meta.url);
const sets = files.map((file) => (require(file) as { load(isa?: string): NativeSet }).load(values.isa));

for (const spec of values.cases.split(',')) {
  const [form, ...dims] = spec.split(':');
  const [M, K, N] = dims.map(Number);
  if (!(form in FORMS) || dims.length !== 3 || ![M, K, N].every((d) => d > 0))
    fail(`--cases: '${spec}' is not form:M:K:N with form AB, AtB or ABt and M, K, N above 0`);
  const random = (n: number) => Float32Array.from({ length: n }, () => Math.random() - 0.5);
  const a = random(M * K);
  const b = random(K * N);
  const out = new Float32Array(M * N);
  const times: number[][] = sets.map(() => []);
  for (let round = 0; round <= rounds; round++)
    sets.forEach((set, i) => {
      const t0 = performance.now();
      set.matmul(out, a, b, M, K, N, FORMS[form as keyof typeof FORMS], false);
      if (round > 0) times[i].push(performance.now() - t0); // round 0 warms up
    });
  const median = (t: number[]) => [...t].sort((x, y) => x - y)[Math.floor(t.length / 2)];
  const rates = times.map((t, i) => `${files[i]} ${((2 * M * K * N) / median(t) / 1e6).toFixed(1)}`);
  console.log(`${form} ${M}x${K}x${N}: ${rates.join(', ')} GFLOP/s`);
}
