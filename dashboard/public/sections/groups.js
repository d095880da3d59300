// Group by one or two varying params: each group's mean curve of a metric with a +/- std band over
// the seeds (and any other param not grouped by). The metric defaults to the sweep's preferred one
// (val acc, or train acc in a sweep without a validation set) until one is picked.
import { api } from '../api.js';
import { bandDatasets, chartBox, colorAt } from '../charts.js';
import { h, notice, replaceChildren, select } from '../dom.js';
import { latestRequest } from '../latest.js';
import { legendLabels } from '/shared/diff.js';
import { withoutResult } from '/shared/statuses.js';
import { metricName } from '../format.js';
import { chosenMetric, metricSelect, whyNoValues } from '../metric-select.js';
import { setViewState, viewState } from '../url-state.js';

const NONE = '';

/** metrics() -> the sweep's current metrics (the runs API's `metrics`). */
export function groupSection(charts, sweepId, params, metrics) {
  // From the address when it names them (url-state.js); picked null: the sweep's preferred metric.
  const view = viewState();
  const by = (view.get('by') ?? '').split(',').filter((path) => params.includes(path));
  const state = {
    by: [by[0] ?? params[0], by[1] && by[1] !== by[0] ? by[1] : NONE],
    picked: view.get('gmetric'),
  };
  const metric = () => chosenMetric(state.picked, metrics().curves);
  const { box, canvas } = chartBox('Group means with std bands');
  const summary = h('p', { className: 'hint' });
  const body = h('div', {}, box, summary);
  const controls = h('div', { className: 'controls' });
  const newRequest = latestRequest();

  function renderControls() {
    replaceChildren(
      controls,
      select('group by', params, state.by[0], (value) => {
        state.by[0] = value;
        if (state.by[1] === value) state.by[1] = NONE;
        refresh();
      }),
      select(
        'and by',
        [[NONE, '(nothing)'], ...params.filter((p) => p !== state.by[0])],
        state.by[1],
        (value) => ((state.by[1] = value), refresh()),
      ),
      metricSelect('metric', metrics().curves, metric(), (value) => ((state.picked = value), refresh())),
    );
  }

  async function refresh() {
    renderControls();
    const by = state.by.filter(Boolean);
    setViewState({ by: by.join(','), gmetric: state.picked });
    const shown = metric();
    const isLatest = newRequest();
    const { groups } = await api.groups(sweepId, by, shown);
    if (!isLatest()) return;
    if (!groups.some((group) => group.epochs.length)) {
      replaceChildren(body, notice('empty', ...whyNoValues(shown, metrics().curves)));
      return;
    }
    if (!body.contains(box)) replaceChildren(body, box, summary);
    const labels = legendLabels(groups.map((group) => group.params));
    const datasets = groups.flatMap((group, i) =>
      bandDatasets(labels[i], group.epochs, group.mean, group.std, colorAt(i)),
    );
    charts.line('groups', canvas, {
      datasets,
      title: `${metricName(shown)}: mean ± std by ${by.join(' × ')}`,
    });
    summary.textContent = groups
      .map((group, i) => `${labels[i]}: ${group.runIds.length} runs${withoutResult(group)}`)
      .join(' · ');
  }

  return { element: h('div', {}, controls, body), refresh };
}
