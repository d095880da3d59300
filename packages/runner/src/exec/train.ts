// One run, start to end, on already prepared data. Pure with respect to scheduling: every random
// draw comes from streams derived from the run's own seed, so a run's numbers are the same
// whichever worker trains it and whatever else runs beside it.
import { Batcher, type Dataset, type PreparedData } from '@ablate/data';
import { Tensor, Rng, kernels } from '@ablate/tensor';
import type { ComponentModules, Sequential } from '@ablate/layers';
import type { RunConfig } from '../config/types.ts';
import { lrAtEpoch } from '../config/schedule.ts';
import { buildModel } from '../model/build-model.ts';
import type { EpochRecord, RunOutcome } from '../db/index.ts';
import type { WeightsRecord } from '../db/records.ts';
import { diagnose } from '../view/diagnosis.js';
import { earlyStopState } from '../view/early-stop.js';

/** The first `rows` samples of a set (all of them by default) as (inputs, targets) tensors. */
function tensorsOf(set: Dataset, rows = set.count): [Tensor, Tensor] {
  return [
    new Tensor(set.x.subarray(0, rows * set.features), [rows, set.features]),
    new Tensor(set.y.subarray(0, rows * set.targets), [rows, set.targets]),
  ];
}

/** Why a batch loss ends the run as diverged, or null while it is fine. */
function divergence(loss: number, limit: number, epoch: number): string | null {
  if (!Number.isFinite(loss)) return `train loss became ${loss} in epoch ${epoch}`;
  if (loss > limit)
    return `train loss ${loss.toPrecision(4)} exceeded divergenceLoss ${limit} in epoch ${epoch}`;
  return null;
}

/**
 * Trains one run; onEpoch sees every epoch as it ends. A run with custom components needs their
 * modules (config/components.ts' loadComponents). Divergence (a non-finite batch loss, or one
 * above train.divergenceLoss) ends the run at once: it is a result, not an error. The run's wall
 * time counts from here, model building included.
 */
export function trainRun(
  config: RunConfig,
  data: PreparedData,
  onEpoch: (epoch: EpochRecord) => void,
  modules?: ComponentModules,
): RunOutcome {
  const started = performance.now();
  const model = buildModel(config, data.inputSize, data.outputSize, modules);
  try {
    return trainModel(model, config, data, onEpoch, started);
  } finally {
    // A worker trains run after run: their parameters' memory is given back as each ends.
    model.dispose();
  }
}

/** Seconds since a performance.now() reading. */
const secondsSince = (start: number) => (performance.now() - start) / 1000;

function trainModel(
  model: Sequential,
  config: RunConfig,
  data: PreparedData,
  onEpoch: (epoch: EpochRecord) => void,
  runStarted: number,
): RunOutcome {
  const { train, seed } = config;
  const batcher = new Batcher(data.train, train.batchSize, {
    random: Rng.derive(seed, 'shuffle'),
    dropLast: !train.keepLastBatch,
    gather: kernels().gatherRows,
  });
  // Layer statistics always look at the same batch, so epochs (and runs) compare like for like.
  const [statsX, statsY] = tensorsOf(data.train, Math.min(train.batchSize, data.train.count));
  // Forward and backward without an update: the weights, and so every later number, are unchanged.
  const initialLayers = model.layerStats(statsX, statsY);
  // Early stopping: the metric of every epoch so far, and the best epoch's weights when kept.
  const stopRule = train.earlyStop;
  const metric: Array<number | null> = [];
  let best: { epoch: number; weights: WeightsRecord } | null = null;
  let epochs = 0;
  // What a diagnosis reads, as the store will hold it.
  const trainLoss: number[] = [];
  let lastLayers = initialLayers;

  for (let epoch = 1; epoch <= train.epochs; epoch++) {
    const started = performance.now();
    epochs = epoch;
    const lr = lrAtEpoch(train, epoch);
    model.optimizer.lr = lr;
    let lossSum = 0;
    let correct = 0;
    let samples = 0;
    let diverged: string | null = null;
    for (const batch of batcher.epoch()) {
      const loss = model.trainStep(
        new Tensor(batch.x, [batch.size, data.train.features]),
        new Tensor(batch.y, [batch.size, data.train.targets]),
      );
      lossSum += loss * batch.size;
      correct += model.lastCorrect;
      samples += batch.size;
      diverged = divergence(loss, train.divergenceLoss, epoch);
      if (diverged) break;
    }
    // A diverged epoch reports its loss only: the model is no longer worth evaluating.
    const validation = !diverged && data.validation ? model.evaluate(...tensorsOf(data.validation)) : null;
    const layers = diverged ? [] : model.layerStats(statsX, statsY);
    trainLoss.push(lossSum / samples);
    lastLayers = layers;
    onEpoch({
      epoch,
      train_loss: lossSum / samples,
      // Running accuracy over the epoch's batches, each judged before its own update (as Keras
      // reports it): free, where a pass over the whole training set would cost a third of an epoch.
      train_acc: diverged ? null : correct / samples,
      val_loss: validation?.loss ?? null,
      val_acc: validation?.accuracy ?? null,
      lr,
      seconds: secondsSince(started),
      layers,
      ...(epoch === 1 && { initialLayers }),
    });
    if (diverged)
      return { status: 'diverged', epoch, reason: diverged, wallSeconds: secondsSince(runStarted) };
    if (stopRule) {
      metric.push(stopRule.metric === 'val_loss' ? validation!.loss : validation!.accuracy);
      const state = earlyStopState(metric, stopRule);
      if (stopRule.restoreBest && state.best === epoch) best = { epoch, weights: model.exportWeights() };
      // A finished run: the epochs it trained are its epochs_done (fewer than planned).
      if (state.stop) break;
    }
  }
  if (best) model.importWeights(best.weights);

  return {
    status: 'finished',
    test: model.evaluate(...tensorsOf(data.test)),
    epochs,
    testEpoch: best?.epoch ?? epochs,
    weights: model.exportWeights(),
    wallSeconds: secondsSince(runStarted),
    diagnosis: diagnose({
      status: 'finished',
      trainLoss,
      layers: lastLayers,
      outputActivation: config.model.outputActivation,
      classes: data.outputSize,
      lr: train.lr,
      stall: train.stall,
    }),
  };
}
