// Early stopping's rule, once, for the trainer that applies it and for every view that reports a
// run (the CLI, the dashboard): which epoch is the best so far, and whether the run stops. Pure, over
// the values the epochs table records, so a stored run's kept epoch is derived, never stored.
//
// An epoch improves on the best when its metric is better by more than minDelta (lower val_loss,
// higher val_acc); the run stops after `patience` epochs in a row without improving. With
// restoreBest the run keeps (tests, stores, serves) the best epoch's weights, else its last epoch's.

/**
 * The best epoch (1-based) of a run's metric values so far (values[i] is epoch i + 1's; null for an
 * epoch without one), and whether early stopping ends the run after the last of them.
 */
export function earlyStopState(values, { metric, patience, minDelta }) {
  const sign = metric === 'val_acc' ? 1 : -1;
  let best = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (value === null || Number.isNaN(value)) continue;
    if (best === 0 || sign * (value - values[best - 1]) > minDelta) best = i + 1;
  }
  return { best, stop: best > 0 && values.length - best >= patience };
}

/**
 * The epoch whose weights a finished run kept, tested and serves: the best by its earlyStop metric
 * with restoreBest, else its last. `epochs` are the run's epoch rows in order (val_loss, val_acc).
 */
export function keptEpoch(epochs, earlyStop) {
  if (!earlyStop?.restoreBest) return epochs.length;
  return (
    earlyStopState(
      epochs.map((epoch) => epoch[earlyStop.metric]),
      earlyStop,
    ).best || epochs.length
  );
}

/**
 * " (weights of epoch 4; stopped early after 7 of 10 epochs)": which epoch a finished run's test
 * values are of, when not simply its last planned one; "" when they are.
 */
export function describeTestEpoch(testEpoch, epochs, planned) {
  const weights = testEpoch < epochs ? `weights of epoch ${testEpoch}` : '';
  const stopped = epochs < planned ? `stopped early after ${epochs} of ${planned} epochs` : '';
  const said = [weights, stopped].filter(Boolean).join('; ');
  return said && ` (${said})`;
}

/** Whether early stopping ended a run: it finished, having trained fewer epochs than it planned. */
export function stoppedEarly(status, epochsDone, epochsPlanned) {
  return status === 'finished' && epochsDone < epochsPlanned;
}
