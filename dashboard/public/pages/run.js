// #/run/:id : one run's config, curves, test confusion matrix and per-class scores, and per-layer
// activation and gradient statistics over epochs.
import { api } from '../api.js';
import { Charts, chartBox, colorAt, heatColor, lineDataset } from '../charts.js';
import { h, notice, replaceChildren, section } from '../dom.js';
import * as format from '../format.js';
import { latestRequest } from '../latest.js';
import { followChanges, setCrumbs } from '../layout.js';
import { flatten } from '/shared/diff.js';
import { describeTestEpoch, stoppedEarly } from '/shared/early-stop.js';
import { describePrunedAt } from '/shared/prune.js';
import { decisionRungs, runCurves, storedRun } from '../sections/curves.js';

function configTable(config) {
  return h(
    'table',
    { className: 'config' },
    h(
      'tbody',
      {},
      Object.entries(flatten(config)).map(([path, value]) =>
        h('tr', {}, h('th', { scope: 'row' }, path), h('td', {}, format.param(value))),
      ),
    ),
  );
}

function confusionMatrix(confusion) {
  const largest = Math.max(...confusion.flat());
  return h(
    'table',
    { className: 'confusion' },
    h('caption', {}, 'Test confusion matrix: rows are true classes, columns predicted'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, 'true \\ pred'),
        confusion.map((_, c) => h('th', { scope: 'col' }, c)),
      ),
    ),
    h(
      'tbody',
      {},
      confusion.map((row, t) =>
        h(
          'tr',
          {},
          h('th', { scope: 'row' }, t),
          row.map((count) => h('td', { style: heatColor(Math.sqrt(count / largest)) }, count)),
        ),
      ),
    ),
  );
}

function perClassTable(perClass) {
  return h(
    'table',
    { className: 'per-class' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, 'class'),
        ['precision', 'recall', 'F1', 'support'].map((title) =>
          h('th', { scope: 'col', className: 'num' }, title),
        ),
      ),
    ),
    h(
      'tbody',
      {},
      perClass.map((scores, c) =>
        h(
          'tr',
          {},
          h('td', {}, c),
          [scores.precision, scores.recall, scores.f1].map((v) =>
            h('td', { className: 'num' }, format.percent(v)),
          ),
          h('td', { className: 'num' }, scores.support),
        ),
      ),
    ),
  );
}

function layerCharts(charts, { statistics, layers }) {
  if (!layers.length)
    return notice('empty', 'No layer statistics.', 'They are written once per epoch for each Dense layer.');
  const boxes = statistics.map((statistic) => {
    const { box, canvas } = chartBox(`${statistic} by epoch, one line per layer`);
    const datasets = layers.map((layer, i) =>
      lineDataset(
        layer.name,
        layer.epochs.map((x, j) => ({ x, y: layer[statistic][j] })),
        colorAt(i),
      ),
    );
    // Drawn after the box is in the page, so Chart.js can measure it.
    queueMicrotask(() =>
      charts.line(`layer-${statistic}`, canvas, { datasets, title: statistic.replace('_', ' ') }),
    );
    return box;
  });
  return h('div', { className: 'chart-grid' }, boxes);
}

/**
 * A run that does not learn: the verdict in a sentence (the runner's view/diagnosis.js, served by
 * the run API) and the statistic behind it, per layer.
 */
function diagnosisNotice(diagnosis) {
  const { name, values } = diagnosis.statistic;
  return h(
    'div',
    { className: 'notice warning diagnosis', role: 'status' },
    h('strong', {}, `Stalled: ${diagnosis.cause}`),
    h('p', {}, diagnosis.sentence),
    h(
      'table',
      { className: 'pairs' },
      h('thead', {}, h('tr', {}, h('th', {}, 'layer'), h('th', {}, name.replace('_', ' ')))),
      h(
        'tbody',
        {},
        Object.entries(values).map(([layer, value]) =>
          h(
            'tr',
            {},
            h('td', {}, layer),
            h('td', {}, name === 'dead_fraction' ? format.percent(value) : value.toExponential(2)),
          ),
        ),
      ),
    ),
  );
}

/** The learning rate each epoch trained at (the epochs table's lr: the schedule as it ran). */
function lrChart(charts, lr) {
  if (!lr.length) return notice('empty', 'No epochs yet.', 'The lr of each epoch is written as it ends.');
  const { box, canvas } = chartBox('learning rate by epoch, as trained');
  const datasets = [
    lineDataset(
      'lr',
      lr.map(([x, y]) => ({ x, y })),
      colorAt(0),
    ),
  ];
  queueMicrotask(() => charts.line('run-lr', canvas, { datasets, title: 'lr' }));
  return box;
}

export async function renderRun(main, runId) {
  const charts = new Charts();
  const curves = runCurves(charts, 'run');
  const newRequest = latestRequest();

  async function render() {
    const isLatest = newRequest();
    const [{ run, results, test, testEpoch, sweeps, tags, notes, diagnosis, prune }, layers, { series }] =
      await Promise.all([api.run(runId), api.layers(runId), api.series([runId])]);
    if (!isLatest()) return;
    const sweep = sweeps[0];
    setCrumbs(main, ...(sweep ? [[`#/sweep/${sweep.id}`, sweep.name]] : []), [null, run.label]);
    charts.destroyAll();
    replaceChildren(
      main,
      h(
        'div',
        { className: 'page-head' },
        h('h1', {}, run.label),
        h(
          'p',
          { className: 'hint' },
          `run ${run.id} · ${run.status}${run.error ? ` (${run.error})` : ''} · ${run.epochs_done}/${run.epochs_planned} epochs${stoppedEarly(run.status, run.epochs_done, run.epochs_planned) ? ' (stopped early)' : ''} · ${format.seconds(run.wall_seconds)}`,
          // A sweep trained longer: the shorter run whose checkpoint this one went on from.
          run.continued_from
            ? [
                ' · continued from ',
                h('a', { href: `#/run/${run.continued_from}` }, `run ${run.continued_from}`),
              ]
            : null,
        ),
        tags.length
          ? h(
              'p',
              { className: 'tags' },
              tags.map((tag) => h('span', { className: 'tag' }, tag)),
            )
          : null,
      ),
      diagnosis ? diagnosisNotice(diagnosis) : null,
      // What pruned it, as `ablate show` says it; value: its group's mean over its seeds at the rung.
      prune
        ? h(
            'p',
            { className: 'notice pruned', role: 'status' },
            `This run was ${describePrunedAt(prune)} (its group's mean over its seeds at that rung, against the rule's threshold).`,
          )
        : null,
      // Notes people wrote (ablate note RUN TEXT); the dashboard only shows them.
      notes.length
        ? section(
            'Notes',
            h(
              'ul',
              { className: 'notes' },
              notes.map((note) =>
                h(
                  'li',
                  {},
                  h('time', { datetime: note.createdAt }, format.date(note.createdAt)),
                  ' ',
                  note.text,
                ),
              ),
            ),
          )
        : null,
      h(
        'div',
        { className: 'two-col' },
        section('Curves', curves.element),
        section(
          'Results',
          h(
            'dl',
            { className: 'results' },
            results
              ? Object.entries(results)
                  // Only what the run has: no val_* (nor best epoch) without a validation set.
                  .filter(([key, value]) => key !== 'run_id' && value !== null)
                  .map(([key, value]) => [
                    h('dt', {}, format.metricName(key)),
                    h('dd', {}, format.metricValue(key, value)),
                  ])
              : 'no epochs yet',
          ),
        ),
      ),
      h(
        'div',
        { className: 'two-col' },
        section(
          'Test set',
          test
            ? [
                h(
                  'p',
                  {},
                  `accuracy ${format.percent(test.accuracy)} · loss ${format.number(test.loss)}${describeTestEpoch(testEpoch, run.epochs_done, run.epochs_planned)} · `,
                  h(
                    'a',
                    { href: `/api/runs/${encodeURIComponent(run.id)}/weights` },
                    'trained weights (JSON)',
                  ),
                ),
                confusionMatrix(test.confusion),
              ]
            : notice('empty', 'No test results yet.', 'The test set is evaluated when the run finishes.'),
        ),
        section(
          'Per class',
          test
            ? perClassTable(test.perClass)
            : notice('empty', 'No per-class scores yet.', 'They come with the test results.'),
        ),
      ),
      section('Learning rate', lrChart(charts, series[runId]?.metrics.lr ?? [])),
      section('Layer statistics', layerCharts(charts, layers)),
      section('Config', configTable(run.config)),
    );
    // The threshold its decision compared with, ticked at its rung.
    await curves.show([storedRun(run)], decisionRungs([prune]));
  }

  await render();
  const unsubscribe = followChanges(main, null, render);
  return () => {
    unsubscribe();
    charts.destroyAll();
  };
}
