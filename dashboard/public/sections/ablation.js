// The ablation view: two params (rows x cols) and a final metric -> a heatmap of mean +/- std over
// each cell's runs (its seeds, and the values of any param on neither axis), with n and the diverged count per cell. Clicking a cell draws its runs' curves; with two
// cells picked, a Welch t-test and a bootstrap CI say whether their difference is real. The metric
// defaults to the sweep's preferred one (final val acc, or test acc without a validation set).
import { api } from '../api.js';
import { heatColor } from '../charts.js';
import { h, notice, replaceChildren, select } from '../dom.js';
import * as format from '../format.js';
import { sameValue } from '/shared/diff.js';
import { formatParam } from '/shared/format.js';
import { withoutResult } from '/shared/statuses.js';
import { latestRequest } from '../latest.js';
import { chosenMetric, metricSelect, whyNoValues } from '../metric-select.js';
import { significance } from './significance.js';
import { runCurves } from './curves.js';
import { setViewState, viewState } from '../url-state.js';

const NONE = '';
/** Cells compared at once: every pair is tested (Holm-corrected), 15 pairs at most. */
const MAX_PICKED = 6;

/**
 * The axes the view opens on: init x momentum when both vary (the question this view was made for),
 * else the first two params.
 */
function defaultAxes(params) {
  const init = params.find((path) => /(^|\.)init$/.test(path));
  const momentum = params.find((path) => /(^|\.)momentum$/.test(path));
  if (init && momentum) return [init, momentum];
  return [params[0], params[1] ?? NONE];
}

/** A cell's curves draw its first runs: a 100-seed cell would be a tangle (and 100 requests' worth). */
const CELL_CURVES = 20;

/**
 * runsByIds(ids) -> Promise of [{ id, label, params, status }] for the curves of a cell; metrics()
 * -> the sweep's current metrics (the runs API's `metrics`); pruneRungs() -> its prune thresholds
 * by rung (the sweep API's `pruneRungs`), ticked on the cell's curves.
 */
export function ablationSection(charts, sweepId, params, runsByIds, metrics, pruneRungs, onQuery) {
  // From the address when it names them (url-state.js); metric null: the sweep's preferred.
  const view = viewState();
  const [rows, cols] = defaultAxes(params);
  const state = {
    rows: params.includes(view.get('rows')) ? view.get('rows') : rows,
    cols:
      view.has('cols') && (view.get('cols') === NONE || params.includes(view.get('cols')))
        ? view.get('cols')
        : cols,
    metric: view.get('ametric'),
    picked: [],
  };
  if (state.cols === state.rows) state.cols = NONE;
  const controls = h('div', { className: 'controls' });
  const heatmap = h('div', { className: 'heatmap-wrap' });
  const comparison = h('div', { className: 'comparison', 'aria-live': 'polite' });
  const curves = runCurves(charts, 'cell');
  const detail = h(
    'div',
    { className: 'cell-detail', hidden: true },
    h('h3', { className: 'cell-title' }),
    curves.element,
  );
  let table = null;
  const newRequest = latestRequest();

  const query = () => ({
    rows: state.rows,
    ...(state.cols ? { cols: state.cols } : {}),
    metric: chosenMetric(state.metric, metrics().final),
  });

  function renderControls() {
    replaceChildren(
      controls,
      select('rows', params, state.rows, (value) => {
        state.rows = value;
        if (state.cols === value) state.cols = NONE;
        reset();
      }),
      select(
        'columns',
        [[NONE, '(none)'], ...params.filter((p) => p !== state.rows)],
        state.cols,
        (value) => ((state.cols = value), reset()),
      ),
      metricSelect(
        'final metric',
        metrics().final,
        query().metric,
        (value) => ((state.metric = value), reset()),
      ),
    );
  }

  function reset() {
    state.picked = [];
    detail.hidden = true;
    return refresh();
  }

  async function refresh() {
    renderControls();
    onQuery(query());
    setViewState({ rows: state.rows, cols: state.cols || null, ametric: state.metric });
    const isLatest = newRequest();
    const answer = await api.ablation(sweepId, query());
    if (!isLatest()) return;
    table = answer;
    // Picked cells keep their place across live refreshes, with fresh numbers.
    state.picked = state.picked.map((cell) => findCell(cell.row, cell.col)).filter(Boolean);
    renderHeatmap();
    renderComparison();
  }

  const findCell = (row, col) => table.cells.find((c) => sameValue(c.row, row) && sameValue(c.col, col));

  function renderHeatmap() {
    const means = table.cells.map((c) => c.mean).filter((m) => m !== null);
    if (!means.length) {
      replaceChildren(heatmap, notice('empty', ...whyNoValues(table.metric, metrics().final)));
      return;
    }
    const [low, high] = [Math.min(...means), Math.max(...means)];
    const colTitle = (col) =>
      table.cols.param ? formatParam(table.cols.param, col) : format.metricName(table.metric);
    replaceChildren(
      heatmap,
      h(
        'p',
        { className: 'hint', id: `heatmap-caption-${sweepId}` },
        `${format.metricName(table.metric)}: mean ± std over each cell's runs (darker = higher). Click a cell for its curves; pick two or more to compare.`,
      ),
      h(
        'table',
        { className: 'heatmap', 'aria-describedby': `heatmap-caption-${sweepId}` },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h(
              'th',
              { scope: 'col' },
              table.cols.param ? `${table.rows.param} \\ ${table.cols.param}` : table.rows.param,
            ),
            table.cols.values.map((col) => h('th', { scope: 'col' }, colTitle(col))),
          ),
        ),
        h(
          'tbody',
          {},
          table.rows.values.map((row) =>
            h(
              'tr',
              {},
              h('th', { scope: 'row' }, formatParam(table.rows.param, row)),
              table.cols.values.map((col) => h('td', {}, cellButton(findCell(row, col), low, high))),
            ),
          ),
        ),
      ),
    );
  }

  function cellButton(cell, low, high) {
    if (!cell) return h('span', { className: 'hint' }, 'no runs');
    const colors = heatColor(cell.mean === null || high === low ? 0.5 : (cell.mean - low) / (high - low));
    const picked = state.picked.includes(cell);
    return h(
      'button',
      {
        type: 'button',
        className: 'cell',
        'aria-pressed': picked ? 'true' : 'false',
        style: cell.mean === null ? {} : { background: colors.background, color: colors.color },
        onclick: () => pick(cell),
      },
      h(
        'span',
        { className: 'cell-mean' },
        cell.mean === null
          ? emptyCellText(cell)
          : `${format.number(cell.mean)} ± ${format.number(cell.std, 2)}`,
      ),
      h('span', { className: 'cell-n' }, `n=${cell.n}${withoutResult(cell, ' · ')}`),
    );
  }

  /** Why a cell has no mean while others have one: its runs ended without a result, or are not done. */
  const emptyCellText = (cell) =>
    cell.pruned === cell.runIds.length
      ? 'all pruned'
      : cell.diverged + cell.stalled + cell.pruned + cell.failed === cell.runIds.length
        ? 'all diverged, stalled, pruned or failed'
        : 'no value yet';

  const cellName = (cell) =>
    [
      formatParam(table.rows.param, cell.row),
      table.cols.param ? formatParam(table.cols.param, cell.col) : null,
    ]
      .filter(Boolean)
      .join(', ');

  async function pick(cell) {
    state.picked = state.picked.includes(cell)
      ? state.picked.filter((c) => c !== cell)
      : [...state.picked, cell].slice(-MAX_PICKED);
    renderHeatmap();
    renderComparison();
    detail.hidden = false;
    const shown = cell.runIds.slice(0, CELL_CURVES);
    detail.querySelector('.cell-title').textContent =
      `Curves of ${cellName(cell)} (${shown.length < cell.runIds.length ? `the first ${shown.length} of ` : ''}${cell.runIds.length} runs)`;
    await curves.show(runsByIds(shown), pruneRungs());
  }

  function renderComparison() {
    if (state.picked.length < 2) {
      replaceChildren(
        comparison,
        state.picked.length
          ? h('p', { className: 'hint' }, 'Pick a second cell (or more) to test the differences.')
          : null,
      );
      return;
    }
    replaceChildren(
      comparison,
      significance(
        state.picked.map((cell) => ({ name: cellName(cell), values: cell.values })),
        table.metric,
      ),
    );
  }

  const element = h(
    'div',
    {},
    controls,
    h('div', { className: 'ablation-body' }, heatmap, comparison),
    detail,
  );
  return { element, refresh };
}
