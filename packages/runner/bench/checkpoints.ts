// What checkpoints cost, on the MNIST network of experiments/mnist.yaml (784-128-64-10, momentum):
// the bytes one holds, the commit time it adds to an epoch on SQLite and on PostgreSQL (a throwaway
// server on a Unix socket), and what resuming costs at a claim (reading and decoding it). Commits
// with and without a checkpoint alternate, so both see the same machine. Compare the added time
// with the epoch time mnist.yaml records (SELECT avg(seconds) FROM epochs).
// Usage: tsx packages/runner/bench/checkpoints.ts [--commits 40]
import { cpus, loadavg } from 'node:os';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Tensor } from '@ablate/tensor';
import { loadSweep } from '../src/config/index.ts';
import { openStore, type Checkpoint, type ResultsStore } from '../src/db/index.ts';
import { encodeCheckpoint } from '../src/db/checkpoint-blob.ts';
import { buildModel, runStreams } from '../src/model/build-model.ts';
import { startPostgres } from '../test/pg/server.ts';
import { benchEpoch } from './epoch-record.ts';

const { values } = parseArgs({ options: { commits: { type: 'string' } } });
const COMMITS = Number(values.commits ?? 40);

const plan = loadSweep(path.join(import.meta.dirname, '../../../experiments/mnist.yaml'));
const run = plan.runs.find(
  (r) => r.config.model.hidden.length === 2 && r.config.train.optimizer.name === 'momentum',
)!;

/** A checkpoint as training takes it, after one step (the momentum slots exist). */
function mnistCheckpoint(epoch: number): Checkpoint {
  const streams = runStreams(run.config.seed);
  const model = buildModel(run.config, 784, 10, streams);
  const x = Tensor.zeros([32, 784]);
  const y = Tensor.zeros([32, 10]);
  for (let i = 0; i < 32; i++) y.data[i * 10 + (i % 10)] = 1;
  model.trainStep(x, y);
  const checkpoint: Checkpoint = {
    epoch,
    kernels: 'bench',
    weights: model.exportWeights(),
    optimizer: model.optimizer.getState(),
    streams: Object.fromEntries(Object.entries(streams).map(([name, rng]) => [name, rng.getState()])),
    earlyStop: null,
    seconds: epoch,
  };
  model.dispose();
  return checkpoint;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

async function measure(label: string, location: string) {
  const store: ResultsStore = await openStore(location);
  const runs = [0, 1].map((i) => ({ ...run, id: `${run.id}-${i}`, position: i }));
  await store.planSweep(
    { ...plan, configPath: null, runs, dataFingerprints: {}, kernels: null },
    { ablateVersion: 'bench', codeVersion: null },
  );
  const start = { ablateVersion: 'bench', codeVersion: null, kernels: 'bench', dataFingerprint: '' };
  const [plain, checkpointed] = await Promise.all(runs.map((r) => store.claimRun(r.id, start)));
  const times: Record<'plain' | 'checkpoint', number[]> = { plain: [], checkpoint: [] };
  for (let epoch = 1; epoch <= COMMITS; epoch++) {
    // Records built before the clock starts: the training thread makes them, not the commit.
    const records = [benchEpoch(epoch), benchEpoch(epoch, mnistCheckpoint(epoch))];
    for (const [claim, record, kind] of [
      [plain!.claim, records[0], 'plain'],
      [checkpointed!.claim, records[1], 'checkpoint'],
    ] as const) {
      const t0 = performance.now();
      await store.commitEpoch(claim, record);
      times[kind].push(performance.now() - t0);
    }
  }
  // Resuming: a claim of the run whose checkpoint is there, against one without (both interrupted).
  for (const claim of [plain!.claim, checkpointed!.claim])
    await store.finishRun(claim, { status: 'interrupted' });
  const t0 = performance.now();
  const resumed = await store.claimRun(checkpointed!.claim.runId, start);
  const resumeMs = performance.now() - t0;
  const t1 = performance.now();
  await store.claimRun(plain!.claim.runId, start);
  const claimMs = performance.now() - t1;
  await store.close();
  const added = median(times.checkpoint) - median(times.plain);
  console.log(
    `${label}: commit median ${median(times.plain).toFixed(2)} ms without a checkpoint, ${median(times.checkpoint).toFixed(2)} ms with (mean ${mean(times.plain).toFixed(2)} / ${mean(times.checkpoint).toFixed(2)}): +${added.toFixed(2)} ms per epoch; ` +
      `claim ${claimMs.toFixed(1)} ms from epoch 1, ${resumeMs.toFixed(1)} ms resuming from epoch ${resumed?.from?.epoch}`,
  );
}

const bytes = encodeCheckpoint(mnistCheckpoint(5));
console.log(
  `checkpoint of ${run.label} (784-${run.config.model.hidden.join('-')}-10, ${run.config.train.optimizer.name}): ` +
    `${bytes.data.length} bytes of arrays + ${bytes.state_json.length} bytes of JSON`,
);
console.log(`${cpus()[0].model}, ${cpus().length} cores, load average ${loadavg()[0].toFixed(1)}`);
await measure('SQLite', path.join(mkdtempSync(path.join(tmpdir(), 'ablate-bench-cp-')), 'bench.db'));
const server = startPostgres();
try {
  await measure('PostgreSQL', await server.database());
} finally {
  server.stop();
}
