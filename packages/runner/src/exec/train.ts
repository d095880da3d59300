// One run, start to end, on already prepared data. Pure with respect to scheduling: every random
// draw comes from streams derived from the run's own seed, so a run's numbers are the same
// whichever worker trains it and whatever else runs beside it.
import { Batcher, type Dataset, type PreparedData } from '@ablate/data';
import { Sequential } from '@ablate/layers';
import { Rng, Tensor } from '@ablate/tensor';
import type { RunConfig } from '../config/types.ts';
import { lrAtEpoch, modelSpecOf, optimizerSpecOf } from '../model/spec.ts';
import type { EpochReport, RunOutcome, RunProgress } from './messages.ts';

function inputs(set: Dataset): Tensor {
  return new Tensor(set.x, [set.count, set.features]);
}

function targets(set: Dataset): Tensor {
  return new Tensor(set.y, [set.count, set.targets]);
}

/** Keeps the final and best values current as epochs come in. */
function updateProgress(progress: RunProgress, epoch: EpochReport): void {
  progress.finalTrainLoss = epoch.trainLoss;
  progress.finalTrainAcc = epoch.trainAcc;
  progress.finalValLoss = epoch.valLoss;
  progress.finalValAcc = epoch.valAcc;
  if (epoch.valLoss !== null && !(epoch.valLoss >= (progress.bestValLoss ?? Infinity)))
    progress.bestValLoss = epoch.valLoss;
  if (epoch.valAcc !== null && epoch.valAcc > (progress.bestValAcc ?? -Infinity)) {
    progress.bestValAcc = epoch.valAcc;
    progress.bestEpoch = epoch.epoch;
  }
}

/**
 * Trains one run; onEpoch sees every epoch as it ends. Divergence (a non-finite batch loss, or one
 * above train.divergenceLoss) ends the run at once: it is a result, not an error.
 */
export function trainRun(
  config: RunConfig,
  data: PreparedData,
  onEpoch: (report: EpochReport) => void,
): RunOutcome {
  const { train, seed } = config;
  const model = new Sequential(modelSpecOf(config, data.inputSize, data.outputSize), {
    rng: Rng.derive(seed, 'init'),
    optimizer: optimizerSpecOf(train),
  });
  const batcher = new Batcher(data.train, train.batchSize, {
    random: Rng.derive(seed, 'shuffle'),
    dropLast: !train.keepLastBatch,
  });
  // Layer statistics always look at the same batch, so epochs (and runs) compare like for like.
  const statsRows = Math.min(train.batchSize, data.train.count);
  const statsX = new Tensor(data.train.x.subarray(0, statsRows * data.train.features), [
    statsRows,
    data.train.features,
  ]);
  const statsY = new Tensor(data.train.y.subarray(0, statsRows * data.train.targets), [
    statsRows,
    data.train.targets,
  ]);
  const progress: RunProgress = {
    finalTrainLoss: null,
    finalTrainAcc: null,
    finalValLoss: null,
    finalValAcc: null,
    bestValLoss: null,
    bestValAcc: null,
    bestEpoch: null,
  };

  for (let epoch = 1; epoch <= train.epochs; epoch++) {
    const started = performance.now();
    const lr = lrAtEpoch(train, epoch);
    model.optimizer.lr = lr;
    let lossSum = 0;
    let correct = 0;
    let samples = 0;
    let blowUp: string | null = null;
    for (const batch of batcher.epoch()) {
      const loss = model.trainStep(
        new Tensor(batch.x, [batch.size, data.train.features]),
        new Tensor(batch.y, [batch.size, data.train.targets]),
      );
      lossSum += loss * batch.size;
      correct += model.lastCorrect;
      samples += batch.size;
      if (!Number.isFinite(loss)) blowUp = `train loss became ${loss} in epoch ${epoch}`;
      else if (loss > train.divergenceLoss)
        blowUp = `train loss ${loss.toPrecision(4)} exceeded divergenceLoss ${train.divergenceLoss} in epoch ${epoch}`;
      if (blowUp) break;
    }
    const trainLoss = lossSum / samples;
    if (blowUp) {
      const report = {
        epoch,
        trainLoss,
        trainAcc: null,
        valLoss: null,
        valAcc: null,
        lr,
        seconds: (performance.now() - started) / 1000,
        layers: [],
        progress,
      };
      updateProgress(progress, report);
      onEpoch(report);
      return { status: 'diverged', epoch, reason: blowUp };
    }
    // Running accuracy over the epoch's batches, each judged before its own update (as Keras
    // reports it): free, where a pass over the whole training set would cost a third of an epoch.
    const trainAcc = correct / samples;
    const validation = data.validation
      ? model.evaluate(inputs(data.validation), targets(data.validation))
      : null;
    const layers = model.layerStats(statsX, statsY);
    const report: EpochReport = {
      epoch,
      trainLoss,
      trainAcc,
      valLoss: validation?.loss ?? null,
      valAcc: validation?.accuracy ?? null,
      lr,
      seconds: (performance.now() - started) / 1000,
      layers,
      progress,
    };
    updateProgress(progress, report);
    onEpoch(report);
  }

  const test = model.evaluate(inputs(data.test), targets(data.test));
  return { status: 'finished', test, weights: model.exportWeights() };
}
