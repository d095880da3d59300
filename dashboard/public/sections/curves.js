// Train/val loss and accuracy by epoch for a set of runs, overlaid: one color per run, train
// dashed, val solid. One legend above both panels names each run by only what differs between the
// runs shown: Chart.js legends, one per canvas, would eat the plots once a few runs are shown.
// Log-scale (loss) and EMA smoothing controls redraw without re-fetching. A run that stopped on
// purpose ends in its mark (chart-data.js END_MARKS: early stopping, pruning); a panel showing a
// prune rule's metric ticks the rule's threshold at each rung.
import { api } from '../api.js';
import {
  chartBox,
  colorAt,
  END_MARKS,
  endMarkOf,
  lineDataset,
  THRESHOLD_KEY,
  thresholdTicks,
  toPoints,
} from '../charts.js';
import { h, notice, replaceChildren } from '../dom.js';
import { latestRequest } from '../latest.js';
import { legendLabels } from '/shared/diff.js';
import { smoothEma } from '/shared/stats.js';
import { setViewState, viewState } from '../url-state.js';

const PANELS = [
  { key: 'loss', title: 'Loss', train: 'train_loss', val: 'val_loss', logScalable: true },
  { key: 'acc', title: 'Accuracy', train: 'train_acc', val: 'val_acc', logScalable: false },
];

/** Smoothing and log-scale controls; onChange() after either moves. */
function curveControls(state, onChange) {
  const smoothingOutput = h('output', {}, state.smoothing.toFixed(2));
  return h(
    'div',
    { className: 'controls' },
    h(
      'label',
      { className: 'control inline' },
      h('input', {
        type: 'checkbox',
        checked: state.logScale,
        onchange: (event) => ((state.logScale = event.target.checked), onChange()),
      }),
      h('span', {}, 'log-scale loss'),
    ),
    h(
      'label',
      { className: 'control inline' },
      h('span', {}, 'smoothing (EMA)'),
      h('input', {
        type: 'range',
        min: 0,
        max: 0.95,
        step: 0.05,
        value: state.smoothing,
        oninput: (event) => {
          state.smoothing = Number(event.target.value);
          smoothingOutput.textContent = state.smoothing.toFixed(2);
          onChange();
        },
      }),
      smoothingOutput,
    ),
  );
}

/** A run as /api/runs/:id answers it (its row as stored, snake_case), as show() takes it. */
export const storedRun = (run, label = run.label, params = {}) => ({
  id: run.id,
  label,
  params,
  status: run.status,
  epochsDone: run.epochs_done,
  epochsPlanned: run.epochs_planned,
});

/** Runs' own prune decisions (/api/runs/:id's `prune`, null for a run not pruned) as show() ticks them. */
export const decisionRungs = (decisions) =>
  decisions.filter(Boolean).map((decision) => ({
    ...decision,
    thresholds: decision.threshold === null ? [] : [decision.threshold],
  }));

/**
 * Returns { element, show(runs, pruneRungs) } where show fetches and draws runs: [{ id, label,
 * params, status, epochsDone, epochsPlanned }], or a promise of them (a selection that must itself
 * be asked for), with the prune thresholds to tick: [{ rule, metric, rung, thresholds }] (the API's
 * pruneRungs). charts is the page's Charts; key keeps this widget's charts apart from the page's others.
 */
export function runCurves(charts, key) {
  // Smoothing and log scale from the address (url-state.js), shared by every curve widget of the page.
  const view = viewState();
  const state = {
    smoothing: Math.min(0.95, Math.max(0, Number(view.get('smooth')) || 0)),
    logScale: view.get('log') === '1',
    runs: [],
    series: {},
    pruneRungs: [],
  };
  const boxes = PANELS.map((panel) => ({ panel, ...chartBox(`${panel.title} by epoch`) }));
  const body = h(
    'div',
    { className: 'chart-row' },
    boxes.map((b) => b.box),
  );
  const lineKey = h('p', { className: 'hint' });
  const legend = h('ul', { className: 'legend', 'aria-label': 'Runs shown' });
  const controlsChanged = () => {
    setViewState({ smooth: state.smoothing || null, log: state.logScale ? 1 : null });
    draw();
  };
  const element = h(
    'div',
    { className: 'curves' },
    curveControls(state, controlsChanged),
    lineKey,
    legend,
    body,
  );

  function draw() {
    if (!state.runs.length) {
      replaceChildren(legend);
      replaceChildren(
        body,
        notice(
          'empty',
          'No runs selected.',
          'Select runs in the table (click, or Enter/Space on a focused row) to draw their curves.',
        ),
      );
      return;
    }
    if (!body.contains(boxes[0].box))
      replaceChildren(
        body,
        boxes.map((b) => b.box),
      );
    const names = legendLabels(
      state.runs.map((run) => run.params ?? {}),
      state.runs.map((run) => run.label),
    );
    const smooth = (ys) => smoothEma(ys, state.smoothing);
    // A lone run needs no legend: the line key already says which line is which.
    replaceChildren(
      legend,
      state.runs.length > 1
        ? names.map((name, i) =>
            h('li', {}, h('span', { className: 'swatch', style: { background: colorAt(i) } }), name),
          )
        : null,
    );
    const hasVal = (run) => Boolean(state.series[run.id]?.metrics.val_acc.length);
    const endMarks = state.runs.map((run) => endMarkOf(run.status, run.epochsDone, run.epochsPlanned));
    const panelRungs = (panel) =>
      state.pruneRungs.filter((rung) => rung.metric === panel.train || rung.metric === panel.val);
    const ticked = PANELS.some((panel) => panelRungs(panel).some((rung) => rung.thresholds.length));
    lineKey.textContent = [
      state.runs.some(hasVal)
        ? 'solid: validation · dashed: training'
        : 'dashed: training (no validation curves: the config carves no validation set, data.validation: 0)',
      ...Object.keys(END_MARKS)
        .filter((mark) => endMarks.includes(mark))
        .map((mark) => END_MARKS[mark].key),
      ...(ticked ? [THRESHOLD_KEY] : []),
    ].join(' · ');
    for (const { panel, canvas } of boxes) {
      const datasets = state.runs.flatMap((run, i) => {
        const metrics = state.series[run.id]?.metrics ?? {};
        // Tooltip labels: which run (when there are several) and which line.
        const which = state.runs.length > 1 ? `${names[i]} ` : '';
        const endMark = endMarks[i];
        const train = lineDataset(`${which}train`, toPoints(metrics[panel.train] ?? [], smooth), colorAt(i), {
          dashed: true,
          endMark,
        });
        const val = toPoints(metrics[panel.val] ?? [], smooth);
        return val.length ? [train, lineDataset(`${which}val`, val, colorAt(i), { endMark })] : [train];
      });
      // Each rule and metric this panel shows: its thresholds, unsmoothed (the values it compared).
      const byRule = Map.groupBy(panelRungs(panel), (rung) => `${rung.rule} ${rung.metric}`);
      for (const [rule, rungs] of byRule)
        if (rungs.some((rung) => rung.thresholds.length))
          datasets.push(thresholdTicks(`prune threshold (${rule})`, rungs));
      charts.line(`${key}-${panel.key}`, canvas, {
        datasets,
        title: panel.title,
        logScale: panel.logScalable && state.logScale,
        legend: false,
      });
    }
  }

  const newRequest = latestRequest();
  return {
    element,
    async show(runs, pruneRungs = []) {
      // From the call on, so a run list still being asked for cannot overtake a later one.
      const isLatest = newRequest();
      const shown = await runs;
      const { series } = await api.series(shown.map((run) => run.id));
      if (!isLatest()) return;
      Object.assign(state, { runs: shown, series, pruneRungs });
      draw();
    },
  };
}
