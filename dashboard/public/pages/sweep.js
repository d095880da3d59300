// #/sweep/:id : the winner (the best group over its seeds and its tie set), the runs table, the selected runs' curves, group means, signal through depth, the
// ablation heatmap and exports. The page loads the sweep's description (/api/sweeps/:id) and the
// table pages its runs from the server, so a 10,000-run sweep costs what a screenful of rows does.
// Everything re-fetches when the sweep's event stream reports a change. The view (sort, filters,
// selection, each section's choices) lives in the address: see url-state.js.
import { api } from '../api.js';
import { Charts, warmUpCharts } from '../charts.js';
import { h, notice, replaceChildren, section, select } from '../dom.js';
import * as format from '../format.js';
import { latestRequest } from '../latest.js';
import { followChanges, setCrumbs } from '../layout.js';
import { stoppedEarly } from '/shared/early-stop.js';
import { shortNames } from '/shared/format.js';
import { winnerLines } from '/shared/winner.js';
import { RunTable } from '../table.js';
import { setViewState, viewState } from '../url-state.js';
import { ablationSection } from '../sections/ablation.js';
import { runCurves } from '../sections/curves.js';
import { depthSection } from '../sections/depth.js';
import { groupSection } from '../sections/groups.js';
import { importanceSection } from '../sections/importance.js';
import { scatterSection } from '../sections/scatter.js';
import { brushesToText, parallelSection } from '../sections/parallel.js';

/** Runs drawn by default: all of a small sweep, else the best few (as the runner ranks them). */
const DEFAULT_SELECTED = 6;

/**
 * The columns of the runs table. Its summary columns are the server's final metrics
 * (metrics.final.choices), each shown when some run of the sweep has a value: validation metrics
 * when it has a validation set, else the final training ones (the run page shows them all); test
 * results once a run has finished.
 */
function runColumns(varying, metrics) {
  // "init" rather than "train.init" keeps the table within a laptop screen; the tooltip has the path.
  const names = shortNames(varying);
  const hasData = (metric) => metrics.final.withData.includes(metric);
  const shown = (metric) => hasData(metric) && !(metric.includes('train') && hasData('final_val_acc'));
  return [
    {
      key: 'run',
      title: 'run',
      value: (run) => run.label,
      cell: (run) => h('a', { href: `#/run/${run.id}` }, run.id.slice(0, 8)),
    },
    ...varying.map((path, i) => ({
      key: path,
      title: names[i],
      tooltip: path,
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
      cell: (run) =>
        stoppedEarly(run.status, run.epochsDone, run.epochsPlanned)
          ? h(
              'span',
              { className: 'stopped-early', title: 'early stopping ended the run' },
              `${run.epochsDone}/${run.epochsPlanned} (early)`,
            )
          : `${run.epochsDone}/${run.epochsPlanned}`,
    },
    ...metrics.final.choices.filter(shown).map((key) => ({
      key,
      title: format.metricName(key),
      numeric: true,
      value: (run) => run.results[key],
      cell: (run) => format.metricValue(key, run.results[key]),
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
    // Tags people gave the run (ablate tag); the tag select above the table filters by one.
    {
      key: 'tags',
      title: 'tags',
      cell: (run) => run.tags.map((tag) => h('span', { className: 'tag' }, tag)),
    },
  ];
}

const download = (href, text) => h('a', { className: 'button', download: '', href }, text);

/** The sweep's downloads; the Markdown table follows the ablation's current rows, cols and metric. */
function exportLinks(sweepId, withAblation) {
  const markdown = withAblation ? download(null, 'Markdown ablation table') : null;
  const element = h(
    'div',
    { className: 'exports' },
    download(`/api/sweeps/${sweepId}/export.csv`, 'CSV'),
    download(`/api/sweeps/${sweepId}/export.json`, 'JSON'),
    markdown,
    // A digit is drawn for one sweep's runs.
    /^\d+$/.test(sweepId)
      ? h('a', { className: 'button', href: `#/digit/${sweepId}` }, 'Draw a digit')
      : null,
  );
  const followAblation = (query) => {
    if (markdown) markdown.href = `/api/sweeps/${sweepId}/ablation.md?${new URLSearchParams(query)}`;
  };
  return { element, followAblation };
}

/** Grouping and ablation need a param besides the seed to split runs by. */
const onlySeeds = (what) =>
  notice(
    'empty',
    `Nothing to ${what}.`,
    'This sweep varies only the seed: add a grid over another param (e.g. train.init) to the YAML.',
  );

/**
 * Sweeps side by side: which sweeps, the runs they share (counted once), what was not pooled, and
 * how each sweep file differs from the first's (each file in full beside it).
 */
function unionSection(union) {
  const [first] = union.sweeps;
  const shown = (value) => (value === undefined ? '(absent)' : JSON.stringify(value));
  return section(
    'Sweeps side by side',
    h(
      'p',
      { className: 'union-summary' },
      `${union.sweeps.map((s) => `#${s.id} ${s.name} (${s.runCount} runs)`).join(', ')}: their union, with the sweep as one more param; ${union.shared} runs shared by them (same config hash) count once, under the first sweep listed that has them.`,
    ),
    union.notPooled ? h('p', { className: 'notice warning', role: 'status' }, union.notPooled) : null,
    union.diffs.map(({ id, items }) =>
      h(
        'div',
        { className: 'union-diff' },
        h('h3', {}, `Sweep file #${id} against #${first.id}`),
        items.length
          ? h(
              'table',
              { className: 'diff' },
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  ['config path', `#${first.id}`, `#${id}`].map((t) => h('th', { scope: 'col' }, t)),
                ),
              ),
              h(
                'tbody',
                {},
                items.map((item) =>
                  h('tr', {}, h('td', {}, item.path), h('td', {}, shown(item.a)), h('td', {}, shown(item.b))),
                ),
              ),
            )
          : h('p', {}, 'The same sweep config.'),
      ),
    ),
    union.sweeps.map((s) =>
      h('details', {}, h('summary', {}, `sweep file of #${s.id} ${s.name}`), h('pre', {}, s.configYaml)),
    ),
  );
}

export async function renderSweep(main, sweepId) {
  const loading = api.sweep(sweepId);
  // The sweep's first answer waits for the store (whether the sweep changed, tens of ms at 10,000
  // runs when it must look), in which Chart.js can start up.
  warmUpCharts();
  let sweep = await loading;
  setCrumbs(main, [null, sweep.name]);
  const charts = new Charts();
  let { metrics } = sweep;
  const view = viewState();
  // Runs the page has fetched, by id: curves need only their id, label and params, which never
  // change, so a run the table or the default selection brought is not asked for again.
  const known = new Map();
  const remember = (runs) => (runs.forEach((run) => known.set(run.id, run)), runs);
  const runsByIds = async (ids) => {
    const missing = ids.filter((id) => !known.has(id));
    if (missing.length) remember((await api.sweepRunsById(sweepId, missing)).runs);
    return ids.map((id) => known.get(id)).filter(Boolean);
  };
  // The selection from the address, else the best few runs as the store ranks them: asked for
  // beside the table's first rows rather than before them, and in before those rows are drawn
  // (they show which runs are selected).
  const selected = new Set(view.get('sel')?.split(',').filter(Boolean));
  const defaultSelection = view.has('sel')
    ? Promise.resolve()
    : api.runPage(sweepId, { sort: 'rank', limit: DEFAULT_SELECTED }).then(({ runs }) => {
        for (const run of remember(runs)) if (run.rank !== null) selected.add(run.id);
      });

  const heading = h('p', { className: 'hint' });
  const curves = runCurves(charts, 'runs');
  // With brushes on the parallel coordinates, the curves show the selected runs within them (the
  // server says which are: it places runs on the axes), or when none is, the best runs within them.
  const selectedRuns = async () => {
    const ranges = brushesToText(parallel?.brushes() ?? {});
    if (!ranges) return runsByIds([...selected]);
    const inside = selected.size ? (await api.sweepRunsById(sweepId, [...selected], ranges)).runs : [];
    const shown = inside.length
      ? inside
      : (await api.runPage(sweepId, { sort: 'rank', limit: DEFAULT_SELECTED, ranges })).runs;
    return remember(shown);
  };
  const showSelected = () => {
    setViewState({ sel: [...selected].join(',') });
    return curves.show(selectedRuns(), sweep.pruneRungs);
  };
  const compareButton = h(
    'button',
    {
      type: 'button',
      disabled: true,
      onclick: () => (location.hash = `#/compare/${[...selected].join('/')}`),
    },
    'Compare 2 selected',
  );
  const filters = { tag: view.get('tag') ?? '' };
  const tagSelect = h('span');
  const renderTagSelect = () =>
    replaceChildren(
      tagSelect,
      sweep.tags.length
        ? select('tag', [['', '(any)'], ...sweep.tags], filters.tag, (value) => {
            filters.tag = value;
            setViewState({ tag: value });
            table.reload();
          })
        : null,
    );
  const params = sweep.varying.filter((path) => path !== 'seed');
  const exports = exportLinks(sweepId, params.length > 0);
  const parallel = params.length
    ? parallelSection(
        sweepId,
        () => metrics,
        () => Promise.all([table.reload(), showSelected()]),
      )
    : null;
  const table = new RunTable(
    runColumns(sweep.varying, metrics),
    {
      fetchPage: async (query) => {
        const [page] = await Promise.all([api.runPage(sweepId, query), defaultSelection]);
        remember(page.runs);
        return page;
      },
      query: () => {
        const ranges = brushesToText(parallel?.brushes() ?? {});
        return { ...(filters.tag ? { tag: filters.tag } : {}), ...(ranges ? { ranges } : {}) };
      },
      rowKey: (run) => run.id,
      selected,
      caption: 'Runs of this sweep; select rows to draw their curves',
      filterPlaceholder: 'filter runs (e.g. he_normal 0.9, diverged)',
      empty: 'No runs yet: they appear here as the sweep schedules them.',
      tools: [
        tagSelect,
        compareButton,
        h(
          'span',
          { className: 'hint' },
          'Click a row or press Enter/Space to select it; select exactly two to compare them.',
        ),
      ],
      onSelect: () => {
        compareButton.disabled = selected.size !== 2;
        showSelected();
      },
      onQuery: () =>
        setViewState({
          q: table.filter,
          sort: table.sort.key,
          order: table.sort.key && table.sort.descending ? 'desc' : '',
        }),
    },
    { sort: view.get('sort'), descending: view.get('order') === 'desc', filter: view.get('q') ?? '' },
  );
  // The rows are asked for before the rest of the page is built: they are what a person looks at
  // first. (The table fills in once its element is in the page, before any answer can be back.)
  const rows = table.reload();

  const groups = params.length ? groupSection(charts, sweepId, params, () => metrics) : null;
  const depth = params.length ? depthSection(charts, sweepId, params) : null;
  const importance = params.length ? importanceSection(charts, sweepId, () => metrics) : null;
  const scatter = params.length ? scatterSection(charts, sweepId, params, () => metrics) : null;
  const ablation = params.length
    ? ablationSection(
        charts,
        sweepId,
        params,
        runsByIds,
        () => metrics,
        () => sweep.pruneRungs,
        exports.followAblation,
      )
    : null;

  const refreshSections = () =>
    Promise.all(
      [parallel, groups, depth, ablation, scatter, importance].filter(Boolean).map((part) => part.refresh()),
    );

  // The answer first: the best group and those the tests cannot separate from it (the runner's
  // definition, view/winner.js, as the command line prints it).
  const winner = h('div', { className: 'winner', role: 'status' });
  const describe = () => {
    // Lines of two leading spaces are the groups of the list the line before introduces.
    const [first, ...rest] = winnerLines(sweep.winner, sweep.winner.metric);
    const blocks = [];
    for (const line of rest) {
      if (!line.startsWith('  ')) blocks.push(h('p', {}, line));
      else if (blocks.at(-1)?.tagName === 'UL') blocks.at(-1).append(h('li', {}, line.trim()));
      else blocks.push(h('ul', {}, h('li', {}, line.trim())));
    }
    replaceChildren(winner, h('p', {}, h('strong', {}, first)), blocks);
    heading.textContent = `${sweep.configPath ?? 'inline config'} · created ${format.date(sweep.createdAt)} · ${sweep.runCount} runs: ${format.statusCounts(sweep.statusCounts)}`;
  };
  describe();
  renderTagSelect();
  replaceChildren(
    main,
    h('div', { className: 'page-head' }, h('h1', {}, sweep.name), heading, exports.element),
    winner,
    sweep.union ? unionSection(sweep.union) : null,
    section('Runs', table.element),
    section('Curves of the selected runs', curves.element),
    [
      [
        parallel,
        'Parallel coordinates (every varying param and a metric; drag along an axis to filter)',
        'draw across params',
      ],
      [groups, "Grouped by param (mean ± std over each group's runs)", 'group by'],
      [depth, 'Signal through depth (a per-layer statistic by group, mean ± std over its runs)', 'group by'],
      [ablation, 'Ablation', 'ablate'],
      [
        scatter,
        'A final metric against a param (each run a point, mean ± std over its seeds)',
        'plot against',
      ],
      [importance, 'Which params matter (analysis of variance, seeds as replicates)', 'analyse'],
    ].map(([part, title, what]) => section(title, part ? part.element : onlySeeds(what))),
  );
  await rows;
  compareButton.disabled = selected.size !== 2;
  // The views once the rows are in: asked for beside them, their drawing held back the frame that
  // shows the rows (the server answers them from memory, so this costs a round trip).
  await Promise.all([showSelected(), refreshSections()]);

  // Changes can come faster than the server answers: the latest read of the sweep is the one shown.
  const newRead = latestRequest();
  const refresh = async () => {
    const isLatest = newRead();
    const read = await api.sweep(sweepId);
    if (!isLatest()) return;
    sweep = read;
    ({ metrics } = sweep);
    describe();
    renderTagSelect();
    // Columns follow the metrics: test acc appears once the first run finishes.
    table.columns = runColumns(sweep.varying, metrics);
    await Promise.all([table.reload(), showSelected(), refreshSections()]);
  };
  const unsubscribe = followChanges(main, sweepId, refresh);
  return () => {
    unsubscribe();
    charts.destroyAll();
  };
}
