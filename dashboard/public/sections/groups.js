// Group by one or two varying params: each group's mean curve of a metric with a +/- std band over
// the seeds (and any other param not grouped by).
import { api } from '../api.js';
import { bandDatasets, chartBox, colorAt } from '../charts.js';
import { h, notice, replaceChildren, select } from '../dom.js';
import { legendLabels } from '../lib/differences.js';
import { metricName } from '../format.js';

const METRICS = ['val_acc', 'val_loss', 'train_acc', 'train_loss'];
const NONE = '';

export function groupSection(charts, sweepId, params) {
  const state = { by: [params[0], NONE], metric: 'val_acc' };
  const { box, canvas } = chartBox('Group means with std bands');
  const summary = h('p', { className: 'hint' });
  const body = h('div', {}, box, summary);
  const controls = h('div', { className: 'controls' });

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
      select(
        'metric',
        METRICS.map((m) => [m, metricName(m)]),
        state.metric,
        (value) => ((state.metric = value), refresh()),
      ),
    );
  }

  async function refresh() {
    renderControls();
    const by = state.by.filter(Boolean);
    const { groups } = await api.groups(sweepId, by, state.metric);
    if (!groups.some((group) => group.epochs.length)) {
      replaceChildren(
        body,
        notice('empty', 'No epochs yet.', 'Curves appear as soon as the first epoch of a run is written.'),
      );
      return;
    }
    if (!body.contains(box)) replaceChildren(body, box, summary);
    const labels = legendLabels(groups.map((group) => group.params));
    const datasets = groups.flatMap((group, i) =>
      bandDatasets(labels[i], group.epochs, group.mean, group.std, colorAt(i)),
    );
    charts.line('groups', canvas, {
      datasets,
      title: `${metricName(state.metric)}: mean ± std by ${by.join(' × ')}`,
    });
    summary.textContent = groups
      .map(
        (group, i) =>
          `${labels[i]}: ${group.runIds.length} runs${group.diverged ? `, ${group.diverged} diverged` : ''}`,
      )
      .join(' · ');
  }

  return { element: h('div', {}, controls, body), refresh };
}
