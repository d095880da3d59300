// The ablation view: two params (rows x cols) and a final metric -> a heatmap of mean +/- std over
// seeds, with n and the diverged count per cell. Clicking a cell draws its runs' curves; with two
// cells picked, a Welch t-test and a bootstrap CI say whether their difference is real.
import { api } from '../api.js';
import { heatColor } from '../charts.js';
import { h, notice, replaceChildren, select } from '../dom.js';
import * as format from '../format.js';
import { formatValue } from '../lib/differences.js';
import { significance } from './significance.js';
import { runCurves } from './curves.js';

const METRICS = [
  'final_val_acc',
  'best_val_acc',
  'final_val_loss',
  'best_val_loss',
  'test_acc',
  'test_loss',
  'final_train_loss',
];
const NONE = '';
const sameValue = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/** runsById(id) -> { id, label, params } for the curves of a cell. */
export function ablationSection(charts, sweepId, params, runsById, onQuery) {
  const state = { rows: params[0], cols: params[1] ?? NONE, metric: 'final_val_acc', picked: [] };
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

  const query = () => ({
    rows: state.rows,
    ...(state.cols ? { cols: state.cols } : {}),
    metric: state.metric,
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
      select(
        'final metric',
        METRICS.map((m) => [m, format.metricName(m)]),
        state.metric,
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
    table = await api.ablation(sweepId, query());
    // Picked cells keep their place across live refreshes, with fresh numbers.
    state.picked = state.picked.map((cell) => findCell(cell.row, cell.col)).filter(Boolean);
    renderHeatmap();
    renderComparison();
  }

  const findCell = (row, col) => table.cells.find((c) => sameValue(c.row, row) && sameValue(c.col, col));

  function renderHeatmap() {
    const means = table.cells.map((c) => c.mean).filter((m) => m !== null);
    const [low, high] = [Math.min(...means), Math.max(...means)];
    const colTitle = (col) =>
      table.cols.param ? `${table.cols.param}=${formatValue(col)}` : format.metricName(table.metric);
    replaceChildren(
      heatmap,
      h(
        'p',
        { className: 'hint', id: `heatmap-caption-${sweepId}` },
        `${format.metricName(table.metric)}: mean ± std over seeds (darker = higher). Click a cell for its curves; pick two to compare.`,
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
              h('th', { scope: 'row' }, `${table.rows.param}=${formatValue(row)}`),
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
        cell.mean === null ? 'no value' : `${format.number(cell.mean)} ± ${format.number(cell.std, 2)}`,
      ),
      h('span', { className: 'cell-n' }, `n=${cell.n}${cell.diverged ? ` · ${cell.diverged} diverged` : ''}`),
    );
  }

  const cellName = (cell) =>
    [
      `${table.rows.param}=${formatValue(cell.row)}`,
      table.cols.param ? `${table.cols.param}=${formatValue(cell.col)}` : null,
    ]
      .filter(Boolean)
      .join(', ');

  async function pick(cell) {
    state.picked = state.picked.includes(cell)
      ? state.picked.filter((c) => c !== cell)
      : [...state.picked, cell].slice(-2);
    renderHeatmap();
    renderComparison();
    detail.hidden = false;
    detail.querySelector('.cell-title').textContent =
      `Curves of ${cellName(cell)} (${cell.runIds.length} runs)`;
    await curves.show(cell.runIds.map(runsById).filter(Boolean));
  }

  function renderComparison() {
    if (state.picked.length < 2) {
      replaceChildren(
        comparison,
        state.picked.length
          ? h('p', { className: 'hint' }, 'Pick a second cell to test the difference.')
          : null,
      );
      return;
    }
    const [a, b] = state.picked;
    replaceChildren(comparison, significance(cellName(a), a.values, cellName(b), b.values, table.metric));
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

export const emptyAblation = () =>
  notice(
    'empty',
    'Nothing to ablate.',
    'This sweep varies only the seed: add a grid over another param (e.g. train.init) to the YAML.',
  );
