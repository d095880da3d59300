// A final metric against one param: every run as a point (its seeds side by side) and each value's
// mean ± std as a line with a band, on a log axis when the param is a rate spanning 100x or more.
// The numbers are the ablation's cells over that one param (/api/sweeps/:id/ablation?rows=param).
import { api } from '../api.js';
import { bandDatasets, chartBox, colorAt } from '../charts.js';
import { h, notice, replaceChildren, select } from '../dom.js';
import * as format from '../format.js';
import { latestRequest } from '../latest.js';
import { chosenMetric, metricSelect, whyNoValues } from '../metric-select.js';
import { setViewState, viewState } from '../url-state.js';
import { sameValue } from '/shared/diff.js';

/** A point per run, spread a little sideways within its value so the seeds do not hide each other. */
const JITTER = 0.25;
/**
 * Points drawn at most: beyond, every k-th run of each value (the mean and band still count them
 * all). Chart.js takes about 10 ms per 1,000 points, and 10,000 runs' points overlap past reading.
 */
const MAX_POINTS = 1000;

/** params: the varying params (seed excepted); metrics() -> the sweep's current metrics. */
export function scatterSection(charts, sweepId, params, metrics) {
  const view = viewState();
  const state = {
    param: params.includes(view.get('xparam')) ? view.get('xparam') : params[0],
    metric: view.get('xmetric'),
  };
  const controls = h('div', { className: 'controls' });
  const { box, canvas } = chartBox('Final metric against a param');
  const body = h('div', {}, box);
  const newRequest = latestRequest();

  async function refresh() {
    const metric = chosenMetric(state.metric, metrics().final);
    setViewState({ xparam: state.param, xmetric: state.metric });
    replaceChildren(
      controls,
      select('param', params, state.param, (value) => ((state.param = value), refresh())),
      metricSelect('metric', metrics().final, metric, (value) => ((state.metric = value), refresh())),
    );
    const isLatest = newRequest();
    const { cells, rows } = await api.ablation(sweepId, { rows: state.param, metric });
    if (!isLatest()) return;
    if (!cells.some((cell) => cell.n)) {
      replaceChildren(body, notice('empty', ...whyNoValues(metric, metrics().final)));
      return;
    }
    if (!body.contains(box)) replaceChildren(body, box);
    const numeric = rows.values.every((value) => typeof value === 'number');
    const xs = cells.map((cell) =>
      numeric ? cell.row : rows.values.findIndex((value) => sameValue(value, cell.row)),
    );
    const log = numeric && Math.min(...xs) > 0 && Math.max(...xs) / Math.min(...xs) >= 100;
    // Sideways spread: a share of the gap to the next value, in log units on a log axis.
    const sorted = [...xs].sort((a, b) => a - b);
    const step = log ? Math.log(sorted[1] / sorted[0] || 10) : sorted[1] - sorted[0] || 1;
    const spread = (x, i, n) => {
      const offset = n > 1 ? (i / (n - 1) - 0.5) * JITTER : 0;
      if (!numeric) return x + offset;
      return log ? x * Math.exp(offset * step) : x + offset * step;
    };
    const runs = cells.reduce((sum, cell) => sum + cell.values.length, 0);
    const every = Math.ceil(runs / MAX_POINTS);
    const points = cells.flatMap((cell, c) =>
      cell.values.flatMap((y, i) => (i % every ? [] : [{ x: spread(xs[c], i, cell.values.length), y }])),
    );
    const order = xs.map((x, i) => i).sort((a, b) => xs[a] - xs[b]);
    const color = colorAt(0);
    charts.draw('scatter', canvas, {
      type: 'scatter',
      data: {
        datasets: [
          ...bandDatasets(
            'mean ± std',
            order.map((i) => xs[i]),
            order.map((i) => cells[i].mean),
            order.map((i) => cells[i].std ?? 0),
            color,
          ).map((dataset) => ({ ...dataset, type: 'line', pointRadius: dataset.band ? 0 : 3 })),
          // Beneath the mean line (a higher order is drawn first).
          {
            label: every > 1 ? `runs (1 in ${every} drawn)` : 'runs',
            data: points,
            backgroundColor: `${colorAt(1)}88`,
            pointRadius: 2,
            order: 1,
          },
        ],
      },
      options: {
        parsing: false,
        scales: {
          x: {
            type: log ? 'logarithmic' : 'linear',
            title: { display: true, text: `${state.param}${log ? ' (log)' : ''}` },
            ...(numeric
              ? {}
              : {
                  // Values by grid position, half a step of room on either side for the spread.
                  min: -0.5,
                  max: rows.values.length - 0.5,
                  ticks: {
                    stepSize: 1,
                    callback: (value) => (value in rows.values ? format.param(rows.values[value]) : ''),
                  },
                }),
          },
          y: { title: { display: true, text: format.metricName(metric) } },
        },
        plugins: {
          legend: {
            labels: { boxWidth: 12, filter: (item, data) => !data.datasets[item.datasetIndex].hideInLegend },
          },
          tooltip: { filter: (item) => !item.dataset.band },
        },
      },
    });
  }

  return { element: h('div', {}, controls, body), refresh };
}
