// One run, start to end, on already prepared data. Pure with respect to scheduling: every random
// draw comes from streams derived from the run's own seed, so a run's numbers are the same
// whichever worker trains it and whatever else runs beside it.
import { Batcher, type Dataset, type PreparedData } from '@ablate/data';
import { Tensor, kernels } from '@ablate/tensor';
import type { ComponentModules, LayerStats, Sequential } from '@ablate/layers';
import type { RunConfig } from '../config/types.ts';
import { lrAtEpoch } from '../config/schedule.ts';
import { buildModel, runStreams, type RunStreams } from '../model/build-model.ts';
import type { Checkpoint, EpochRecord, RunOutcome } from '../db/index.ts';
import { diagnose, stallOf } from '../view/diagnosis.js';
import { earlyStopState } from '../view/early-stop.js';

/**
 * A run stopped after a rung of its sweep's prune rule, to be told whether to go on: its epoch's
 * checkpoint (reported with the epoch) is where it goes on from, as a resumed run does.
 */
export interface AtRung {
  status: 'rung';
  epoch: number;
}

/** How a call to trainRun ends: the run's end, or a rung. */
export type TrainEnd = RunOutcome | AtRung;

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
 * Trains one run, from epoch 1 or going on from a checkpoint (its own, or a shorter run's of its
 * lineage) exactly as though it had never stopped; onEpoch sees every epoch as it ends, with the
 * checkpoint taken after it. A run with custom components needs their modules
 * (config/components.ts' loadComponents). Divergence (a non-finite batch loss, or one above
 * train.divergenceLoss) ends the run at once: it is a result, not an error. The run's wall time
 * counts from here, model building included, plus what the checkpoint had trained. Training stops
 * after an epoch of `rungs` (before the last, and unless the run ended there anyway).
 *
 * Stalling: after each epoch, when the stall rule (view/diagnosis.js stallOf, train.stall) holds
 * over the train losses of all its epochs so far, the run stops there as early stopping stops one:
 * evaluated on the test set (the weights early stopping's restoreBest keeps, else the last), its
 * weights stored, and it ends `stalled` with its diagnosis. Data, like a diverged run, not a crash.
 * When both rules end a run at the same epoch it is stalled (the more telling of the two). The
 * losses travel in the checkpoint, so a resumed run stalls at the epoch an uninterrupted one does.
 */
export function trainRun(
  config: RunConfig,
  data: PreparedData,
  onEpoch: (epoch: EpochRecord) => void,
  from: Checkpoint | null = null,
  modules?: ComponentModules,
  rungs: readonly number[] = [],
): TrainEnd {
  const started = performance.now();
  const streams = runStreams(config.seed);
  const model = buildModel(config, data.inputSize, data.outputSize, streams, modules);
  try {
    if (from) restore(model, streams, from);
    return trainModel(model, streams, config, data, onEpoch, from, started, rungs);
  } finally {
    // A worker trains run after run: their parameters' memory is given back as each ends.
    model.dispose();
  }
}

/** Seconds since a performance.now() reading. */
const secondsSince = (start: number) => (performance.now() - start) / 1000;

/** Puts the model and the streams where the checkpoint left them; it must be of the kernels in use. */
function restore(model: Sequential, streams: RunStreams, from: Checkpoint): void {
  const here = kernels().name;
  if (from.kernels !== here)
    throw new Error(`checkpoint of epoch ${from.epoch} was computed on kernels ${from.kernels}, not ${here}`);
  model.importWeights(from.weights);
  model.optimizer.setState(from.optimizer);
  for (const [name, stream] of Object.entries(streams)) {
    const state = from.streams[name];
    if (!state) throw new Error(`checkpoint of epoch ${from.epoch} has no position for the ${name} stream`);
    stream.setState(state);
  }
}

/** What carries over to the epoch after `epoch`: everything trainModel and the model keep between epochs. */
function checkpointAfter(
  epoch: number,
  model: Sequential,
  streams: RunStreams,
  earlyStop: Checkpoint['earlyStop'],
  trainLoss: readonly number[],
  seconds: number,
): Checkpoint {
  return {
    epoch,
    kernels: kernels().name,
    weights: model.exportWeights(),
    optimizer: model.optimizer.getState(),
    streams: Object.fromEntries(Object.entries(streams).map(([name, stream]) => [name, stream.getState()])),
    // Copied: the trainer goes on appending to its own lists.
    earlyStop: earlyStop && { metric: [...earlyStop.metric], best: earlyStop.best },
    trainLoss: [...trainLoss],
    seconds,
  };
}

function trainModel(
  model: Sequential,
  streams: RunStreams,
  config: RunConfig,
  data: PreparedData,
  onEpoch: (epoch: EpochRecord) => void,
  from: Checkpoint | null,
  runStarted: number,
  rungs: readonly number[],
): TrainEnd {
  const { train } = config;
  const batcher = new Batcher(data.train, train.batchSize, {
    random: streams.shuffle,
    dropLast: !train.keepLastBatch,
    gather: kernels().gatherRows,
  });
  /** Wall seconds of the run so far, the epochs before the checkpoint included. */
  const trained = () => (from?.seconds ?? 0) + secondsSince(runStarted);
  // Layer statistics always look at the same batch, so epochs (and runs) compare like for like.
  const [statsX, statsY] = tensorsOf(data.train, Math.min(train.batchSize, data.train.count));
  // Forward and backward without an update: the weights, and so every later number, are unchanged.
  // Its update_ratio is of the lr the first epoch trains with (each epoch sets its own anyway).
  if (!from) model.optimizer.lr = lrAtEpoch(train, 1);
  const initialLayers = from ? [] : model.layerStats(statsX, statsY);
  // Early stopping: the metric of every epoch so far, and the best epoch's weights when kept.
  const stopRule = train.earlyStop;
  const stopState: Checkpoint['earlyStop'] = stopRule && {
    metric: [...(from?.earlyStop?.metric ?? [])],
    best: from?.earlyStop?.best ?? null,
  };
  // The stall rule's window: every epoch's train loss, those before the checkpoint included (a
  // checkpoint written before it carried them has none: the window starts again at its epoch).
  const trainLoss = [...(from?.trainLoss ?? [])];
  let epochs = from?.epoch ?? 0;
  // A run continued from one that early stopping or the stall rule ended stops where that one did
  // (and so does a run resumed after committing the epoch that ended it).
  let stalled = stallOf(trainLoss, train.stall) !== null;
  let stopped = stalled || (stopState !== null && earlyStopState(stopState.metric, stopRule!).stop);
  // The last trained epoch's layer statistics, for the diagnosis (none when this attempt trains none).
  let lastLayers: LayerStats[] | null = null;

  for (let epoch = epochs + 1; !stopped && epoch <= train.epochs; epoch++) {
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
    if (stopRule && stopState && !diverged) {
      stopState.metric.push(stopRule.metric === 'val_loss' ? validation!.loss : validation!.accuracy);
      const state = earlyStopState(stopState.metric, stopRule);
      if (stopRule.restoreBest && state.best === epoch)
        stopState.best = { epoch, weights: model.exportWeights() };
      // A finished run: the epochs it trained are its epochs_done (fewer than planned).
      stopped = state.stop;
    }
    if (!diverged) {
      trainLoss.push(lossSum / samples);
      stalled = stallOf(trainLoss, train.stall) !== null;
      stopped ||= stalled;
    }
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
      ...(!diverged && {
        checkpoint: checkpointAfter(epoch, model, streams, stopState, trainLoss, trained()),
      }),
    });
    if (diverged) return { status: 'diverged', epoch, reason: diverged, wallSeconds: trained() };
    if (!stopped && epoch < train.epochs && rungs.includes(epoch)) return { status: 'rung', epoch };
  }
  // A stalled run's diagnosis reads its last epoch's statistics: a probe of the weights as that
  // epoch left them, which the checkpoint holds when this attempt trained none (a probe changes
  // nothing, so it repeats that epoch's exactly).
  if (stalled && lastLayers === null) {
    model.optimizer.lr = lrAtEpoch(train, epochs);
    lastLayers = model.layerStats(statsX, statsY);
  }
  const best = stopState?.best ?? null;
  if (best) model.importWeights(best.weights);
  const end = {
    test: model.evaluate(...tensorsOf(data.test)),
    epochs,
    testEpoch: best?.epoch ?? epochs,
    weights: model.exportWeights(),
    wallSeconds: trained(),
  };
  if (!stalled) return { status: 'finished', ...end };
  const diagnosis = diagnose({
    status: 'stalled',
    trainLoss,
    layers: lastLayers!,
    outputActivation: config.model.outputActivation,
    classes: data.outputSize,
    lr: lrAtEpoch(train, epochs),
    stall: train.stall,
  })!;
  return { status: 'stalled', diagnosis, ...end };
}
