// Which params matter: the analysis of variance of the sweep's grid (the server's
// /api/sweeps/:id/importance), each factor and each pair of factors ranked by the share of the
// metric's variance it explains (eta squared), with F and p beside it. A factor is an axis of the
// grid (sweepFactors in /shared/anova.js): a param, a link group, or the sampled params. On an
// unbalanced grid, what the analysis left out to balance it is said above the chart; when nothing
// could be analysed, the server's reason is shown, naming the factors and cells at fault.
import { api } from '../api.js';
import { chartBox, colorAt } from '../charts.js';
import { h, notice, replaceChildren } from '../dom.js';
import * as format from '../format.js';
import { factorLabels } from '/shared/anova.js';
import { latestRequest } from '../latest.js';
import { chosenMetric, metricSelect, whyNoValues } from '../metric-select.js';
import { setViewState, viewState } from '../url-state.js';

/** "lr", "lr × momentum", or "higher-order interactions" for the remainder. */
function effectName(effect, labels) {
  return effect.higherOrder ? 'higher-order interactions' : effect.factors.map((f) => labels[f]).join(' × ');
}

/** The factors in a sentence, with how a link and sampled params are treated. */
function factorsText(analysis, labels) {
  const kinds = new Set(analysis.factors.map((factor) => factor.kind));
  const rules = [
    kinds.has('link') ? 'linked params are one factor, its levels the linked values' : null,
    kinds.has('sample') ? 'a sampled point is a group, its seeds the replicates, as a grid point' : null,
  ].filter(Boolean);
  const names = analysis.factors.map((factor) => labels[factor.name]);
  return `Factors: ${names.join(', ')}${rules.length ? ` (${rules.join('; ')})` : ''}.`;
}

/** What balancing the grid cost, in a sentence; null when nothing was left out. */
function droppedText(analysis) {
  const { withoutValue, cells, levels, runs } = analysis.dropped;
  const parts = [
    withoutValue
      ? `${withoutValue} runs without a value (diverged, stalled, pruned, failed or unfinished)`
      : null,
    levels.length
      ? `the levels ${levels.map((l) => l.level).join(', ')} (${cells} cells of the grid had no run with a value)`
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
  const newRequest = latestRequest();

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
    const isLatest = newRequest();
    const analysis = await api.importance(sweepId, { metric });
    if (!isLatest()) return;
    // whyNoValues explains a metric no run has (no validation set, no test yet); any other
    // failure is the analysis's own, and its reason says which factor and cells.
    if (!metrics().final.withData.includes(metric)) {
      replaceChildren(body, notice('empty', ...whyNoValues(metric, metrics().final)));
      return;
    }
    if (analysis.reason) {
      replaceChildren(
        body,
        notice(
          'empty',
          'Nothing to analyse.',
          [analysis.reason, droppedText(analysis)].filter(Boolean).join(' '),
        ),
      );
      return;
    }
    if (!body.contains(box)) replaceChildren(body, dropped, box, table);
    const labels = Object.fromEntries(
      factorLabels(analysis.factors).map((label, i) => [analysis.factors[i].name, label]),
    );
    dropped.textContent = [
      `${format.metricName(metric)}: analysis of variance over the grid, ${analysis.replicates} seeds per cell as replicates.`,
      factorsText(analysis, labels),
      droppedText(analysis),
      analysis.replicates < 2 ? 'One seed per cell: no within-cell variance, so no F test.' : null,
    ]
      .filter(Boolean)
      .join(' ');
    const effectNames = analysis.effects.map((effect) => effectName(effect, labels));
    charts.draw('importance', canvas, {
      type: 'bar',
      data: {
        labels: effectNames,
        datasets: [
          {
            label: 'share of variance (η²)',
            data: analysis.effects.map((effect) => effect.eta2 * 100),
            backgroundColor: analysis.effects.map((effect) => colorAt(effect.factors.length > 1 ? 1 : 0)),
          },
        ],
      },
      options: {
        indexAxis: 'y',
        // Every effect named: chart.js would skip every other label of a tall bar list.
        scales: {
          x: { title: { display: true, text: '% of the variance (η²)' }, min: 0 },
          y: { ticks: { autoSkip: false } },
        },
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
              h('th', { scope: 'row' }, effectNames[i]),
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
