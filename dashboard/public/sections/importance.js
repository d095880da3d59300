// Which params matter: the analysis of variance of the sweep's grid (the server's
// /api/sweeps/:id/importance), each param and each pair of params ranked by the share of the
// metric's variance it explains (eta squared), with F and p beside it. On an unbalanced grid, what
// the analysis left out to balance it is said above the chart.
import { api } from '../api.js';
import { chartBox, colorAt } from '../charts.js';
import { h, notice, replaceChildren } from '../dom.js';
import * as format from '../format.js';
import { shortNames, formatParam } from '/shared/format.js';
import { chosenMetric, metricSelect, whyNoValues } from '../metric-select.js';
import { setViewState, viewState } from '../url-state.js';

/** "lr", "lr × momentum", or "higher-order interactions" for the remainder. */
function effectName(effect, names) {
  return effect.higherOrder ? 'higher-order interactions' : effect.params.map((p) => names[p]).join(' × ');
}

/** What balancing the grid cost, in a sentence; null when nothing was left out. */
function droppedText(analysis) {
  const { withoutValue, levels, runs } = analysis.dropped;
  const parts = [
    withoutValue ? `${withoutValue} runs without a value (diverged, failed or unfinished)` : null,
    levels.length
      ? `the levels ${levels.map((l) => formatParam(l.param, l.value)).join(', ')} (some of their cells had no run with a value)`
      : null,
    runs ? `${runs} runs in all (with those levels, or beyond ${analysis.replicates} seeds in a cell)` : null,
  ].filter(Boolean);
  return parts.length ? `Left out to make the grid full and balanced: ${parts.join('; ')}.` : null;
}

/** metrics() -> the sweep's current metrics. */
export function importanceSection(charts, sweepId, metrics) {
  const state = { metric: viewState().get('imetric') };
  const controls = h('div', { className: 'controls' });
  const { box, canvas } = chartBox('Share of variance by param');
  const dropped = h('p', { className: 'hint' });
  const table = h('div', { className: 'scroll' });
  const body = h('div', {}, dropped, box, table);

  async function refresh() {
    const metric = chosenMetric(state.metric, metrics().final);
    replaceChildren(
      controls,
      metricSelect('analysed metric', metrics().final, metric, (value) => {
        state.metric = value;
        setViewState({ imetric: value });
        refresh();
      }),
    );
    const analysis = await api.importance(sweepId, { metric });
    if (!analysis.effects.length) {
      replaceChildren(body, notice('empty', ...whyNoValues(metric, metrics().final)));
      return;
    }
    if (!body.contains(box)) replaceChildren(body, dropped, box, table);
    const names = Object.fromEntries(
      shortNames(analysis.params).map((name, i) => [analysis.params[i], name]),
    );
    dropped.textContent = [
      `${format.metricName(metric)}: analysis of variance over the grid, ${analysis.replicates} seeds per cell as replicates.`,
      droppedText(analysis),
      analysis.replicates < 2 ? 'One seed per cell: no within-cell variance, so no F test.' : null,
    ]
      .filter(Boolean)
      .join(' ');
    const labels = analysis.effects.map((effect) => effectName(effect, names));
    charts.draw('importance', canvas, {
      type: 'bar',
      data: {
        labels,
        datasets: [
          {
            label: 'share of variance (η²)',
            data: analysis.effects.map((effect) => effect.eta2 * 100),
            backgroundColor: analysis.effects.map((effect) => colorAt(effect.params.length > 1 ? 1 : 0)),
          },
        ],
      },
      options: {
        indexAxis: 'y',
        scales: { x: { title: { display: true, text: '% of the variance (η²)' }, min: 0 } },
        plugins: {
          legend: { display: false },
          title: { display: true, text: `Which params matter for ${format.metricName(metric)}` },
          tooltip: {
            callbacks: {
              afterLabel: (item) => {
                const effect = analysis.effects[item.dataIndex];
                return effect.f === null
                  ? ''
                  : `F = ${format.number(effect.f, 3)}, p = ${format.number(effect.p, 2)}`;
              },
            },
          },
        },
      },
    });
    replaceChildren(
      table,
      h(
        'table',
        { className: 'anova' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['effect', 'η²', 'SS', 'df', 'F', 'p'].map((title, i) =>
              h('th', { scope: 'col', className: i ? 'num' : '' }, title),
            ),
          ),
        ),
        h(
          'tbody',
          {},
          analysis.effects.map((effect, i) =>
            h(
              'tr',
              {},
              h('th', { scope: 'row' }, labels[i]),
              [
                format.percent(effect.eta2),
                format.number(effect.ss),
                String(effect.df),
                format.number(effect.f, 3),
                format.number(effect.p, 2),
              ].map((text) => h('td', { className: 'num' }, text)),
            ),
          ),
          h(
            'tr',
            {},
            h('th', { scope: 'row' }, 'seeds (within cells)'),
            [
              format.percent(analysis.total.ss ? analysis.residual.ss / analysis.total.ss : 0),
              format.number(analysis.residual.ss),
              String(analysis.residual.df),
              '',
              '',
            ].map((text) => h('td', { className: 'num' }, text)),
          ),
        ),
      ),
    );
  }

  return { element: h('div', {}, controls, body), refresh };
}
