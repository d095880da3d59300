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

function runColumns(varying) {
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
      value: (run) => run.params[path],
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
    ...[
      ['final_val_acc', 'final val acc', format.percent],
      ['best_val_acc', 'best val acc', format.percent],
      ['final_val_loss', 'final val loss', format.number],
      ['best_val_loss', 'best val loss', format.number],
    ].map(([key, title, show]) => ({
      key,
      title,
      numeric: true,
      value: (run) => run.summary[key],
      cell: (run) => show(run.summary[key]),
    })),
    { key: 'bestEpoch', title: 'best epoch', numeric: true, value: (run) => run.bestEpoch },
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
  let runs = runsData.runs;
  const runsById = (id) => runs.find((run) => run.id === id);
  const byBest = [...runs].sort((a, b) => (b.summary.best_val_acc ?? -1) - (a.summary.best_val_acc ?? -1));
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
  const table = new SelectableTable(runColumns(runsData.varying), {
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
  const groups = params.length ? groupSection(charts, sweepId, params) : null;
  const ablation = params.length
    ? ablationSection(charts, sweepId, params, runsById, (query) => ablationQuery.onChange(query))
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
    runs = freshRuns.runs;
    describe();
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
