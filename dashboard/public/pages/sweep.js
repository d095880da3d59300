// #/sweep/:id : the runs table, the selected runs' curves, group means, the ablation heatmap and
// exports. Everything re-fetches when the sweep's event stream reports a change.
import { api, subscribe } from '../api.js';
import { Charts } from '../charts.js';
import { h, notice, replaceChildren, section } from '../dom.js';
import * as format from '../format.js';
import { setCrumbs, setLive } from '../layout.js';
import { SelectableTable } from '../table.js';
import { ablationSection, emptyAblation } from '../sections/ablation.js';
import { runCurves } from '../sections/curves.js';
import { groupSection } from '../sections/groups.js';

/** Runs drawn by default: all of a small sweep, else the best few. */
const DEFAULT_SELECTED = 6;

/**
 * The summary columns, each shown when some run of the sweep has a value: validation metrics when
 * it has a validation set, else the final training ones (the run page shows them all); test acc
 * once a run has finished.
 */
const METRIC_COLUMNS = [
  ['final_val_acc', format.percent],
  ['best_val_acc', format.percent],
  ['final_val_loss', format.number],
  ['best_val_loss', format.number],
  ['test_acc', format.percent],
  ['final_train_acc', format.percent],
  ['final_train_loss', format.number],
];

/** A param's value to sort and filter by: numbers as numbers, anything else as its label. */
const sortableParam = (value) => (typeof value === 'number' ? value : format.param(value));

function runColumns(varying, metrics) {
  const hasData = (metric) => metrics.final.withData.includes(metric);
  const shown = (metric) => hasData(metric) && !(metric.includes('train') && hasData('final_val_acc'));
  return [
    {
      key: 'run',
      title: 'run',
      value: (run) => run.label,
      cell: (run) => h('a', { href: `#/run/${run.id}` }, run.id.slice(0, 8)),
    },
    ...varying.map((path) => ({
      key: path,
      title: path,
      value: (run) => sortableParam(run.params[path]),
      cell: (run) => format.param(run.params[path]),
    })),
    {
      key: 'status',
      title: 'status',
      value: (run) => run.status,
      cell: (run) => h('span', { className: `status ${run.status}`, title: run.error ?? '' }, run.status),
    },
    {
      key: 'epochs',
      title: 'epochs',
      numeric: true,
      value: (run) => run.epochsDone,
      cell: (run) => `${run.epochsDone}/${run.epochsPlanned}`,
    },
    ...METRIC_COLUMNS.filter(([key]) => shown(key)).map(([key, show]) => ({
      key,
      title: format.metricName(key),
      numeric: true,
      value: (run) => run.summary[key],
      cell: (run) => show(run.summary[key]),
    })),
    // The epoch of best_val_acc: none without a validation set.
    ...(hasData('best_val_acc')
      ? [{ key: 'bestEpoch', title: 'best epoch', numeric: true, value: (run) => run.bestEpoch }]
      : []),
    {
      key: 'time',
      title: 'time',
      numeric: true,
      value: (run) => run.wallSeconds,
      cell: (run) => format.seconds(run.wallSeconds),
    },
  ];
}

function exportLinks(sweepId, ablationQuery) {
  const markdown = h('a', { className: 'button', download: '', href: '#' }, 'Markdown ablation table');
  const element = h(
    'div',
    { className: 'exports' },
    h('a', { className: 'button', download: '', href: `/api/sweeps/${sweepId}/export.csv` }, 'CSV'),
    h('a', { className: 'button', download: '', href: `/api/sweeps/${sweepId}/export.json` }, 'JSON'),
    markdown,
  );
  ablationQuery.onChange = (query) =>
    (markdown.href = `/api/sweeps/${sweepId}/ablation.md?${new URLSearchParams(query)}`);
  return element;
}

export async function renderSweep(main, sweepId) {
  const [sweep, runsData] = await Promise.all([api.sweep(sweepId), api.sweepRuns(sweepId)]);
  setCrumbs([null, sweep.name]);
  const charts = new Charts();
  let { runs, metrics } = runsData;
  const runsById = (id) => runs.find((run) => run.id === id);
  const byBest = [...runs].sort(
    (a, b) => (b.summary[metrics.ranking] ?? -1) - (a.summary[metrics.ranking] ?? -1),
  );
  const selected = new Set(byBest.slice(0, DEFAULT_SELECTED).map((run) => run.id));

  const heading = h('p', { className: 'hint' });
  const curves = runCurves(charts, 'runs');
  const showSelected = () => curves.show(runs.filter((run) => selected.has(run.id)));
  const compareButton = h(
    'button',
    {
      type: 'button',
      disabled: true,
      onclick: () => (location.hash = `#/compare/${[...selected].join('/')}`),
    },
    'Compare 2 selected',
  );
  const table = new SelectableTable(runColumns(runsData.varying, metrics), {
    rowKey: (run) => run.id,
    selected,
    caption: 'Runs of this sweep; select rows to draw their curves',
    filterPlaceholder: 'filter runs (e.g. he_normal, diverged)',
    tools: [
      compareButton,
      h('span', { className: 'hint' }, 'Click a row or press Enter/Space to select it.'),
    ],
    onSelect: () => {
      compareButton.disabled = selected.size !== 2;
      showSelected();
    },
  });

  const params = runsData.varying.filter((path) => path !== 'seed');
  const ablationQuery = { onChange: () => {} };
  const groups = params.length ? groupSection(charts, sweepId, params, () => metrics) : null;
  const ablation = params.length
    ? ablationSection(
        charts,
        sweepId,
        params,
        runsById,
        () => metrics,
        (query) => ablationQuery.onChange(query),
      )
    : null;

  const describe = () => {
    heading.textContent = `${sweep.configPath ?? 'inline config'} · created ${format.date(sweep.createdAt)} · ${runs.length} runs: ${format.statusCounts(sweep.statusCounts)}`;
  };
  describe();
  replaceChildren(
    main,
    h(
      'div',
      { className: 'page-head' },
      h('h1', {}, sweep.name),
      heading,
      exportLinks(sweepId, ablationQuery),
    ),
    runs.length
      ? null
      : notice('empty', 'This sweep has no runs yet.', 'They appear here as the sweep schedules them.'),
    section('Runs', table.element),
    section('Curves of the selected runs', curves.element),
    section('Grouped by param (mean ± std over seeds)', groups ? groups.element : emptyAblation()),
    section('Ablation', ablation ? ablation.element : emptyAblation()),
  );
  table.setRows(runs);
  compareButton.disabled = selected.size !== 2;
  await Promise.all([showSelected(), groups?.refresh(), ablation?.refresh()]);
  setLive('live');

  const refresh = async () => {
    const [fresh, freshRuns] = await Promise.all([api.sweep(sweepId), api.sweepRuns(sweepId)]);
    Object.assign(sweep, fresh);
    ({ runs, metrics } = freshRuns);
    describe();
    // Columns follow the metrics: test acc appears once the first run finishes.
    table.columns = runColumns(freshRuns.varying, metrics);
    table.setRows(runs);
    await Promise.all([showSelected(), groups?.refresh(), ablation?.refresh()]);
    setLive(`live · updated ${new Date().toLocaleTimeString()}`);
  };
  const unsubscribe = subscribe(sweepId, () =>
    refresh().catch((error) => setLive(`live update failed: ${error.message}`)),
  );
  return () => {
    unsubscribe();
    charts.destroyAll();
  };
}
