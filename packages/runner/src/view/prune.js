// How a pruned run is told, once, for every view that reports one: the CLI's progress lines and
// `ablate show`, and the dashboard's run page (served at /shared/). A decision is a prune_decisions
// row (db/tables.ts): the rule, the metric it judged, the rung, the group's value and the threshold.

/** Why a run was pruned: "median val_loss 0.5200 worse than 0.4800" (null: counted worst, a seed diverged). */
export function describePrune({ rule, metric, value, threshold }) {
  const shown = (v) => (v === null ? 'diverged' : v.toPrecision(4));
  return `${rule} ${metric} ${shown(value)} worse than ${shown(threshold)}`;
}

/** "pruned after epoch 2: halving val_loss 0.5200 worse than 0.4800": where a pruned run stopped, and why. */
export function describePrunedAt(decision) {
  return `pruned after epoch ${decision.rung}: ${describePrune(decision)}`;
}
