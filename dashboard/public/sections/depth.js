// Signal through depth: a per-layer statistic (activation or weight-gradient mean/std) at one epoch,
// layer by layer, one line per group of runs with a +/- std band over them. The server's default
// epoch is the first with statistics, epoch 0 (the untrained model): the init's effect, before
// training washes it out. Whether the signal survives depth is what weight init decides (a layer's
// variance kept near 1/n holds the activations' scale through the layers). Networks of different
// depths share the layer axis as the server aligns them: hidden layers by index, output layers apart.
import { api } from '../api.js';
import { bandDatasets, chartBox, colorAt } from '../charts.js';
import { h, notice, replaceChildren, select } from '../dom.js';
import { latestRequest } from '../latest.js';
import { legendLabels } from '/shared/diff.js';

const STATISTICS = [
  ['act_std', 'activation std'],
  ['act_mean', 'activation mean'],
  ['grad_std', 'gradient std (dW)'],
  ['grad_mean', 'gradient mean (dW)'],
];
const statName = (stat) => STATISTICS.find(([key]) => key === stat)[1];
/** Means can be negative or zero: only the stds may be drawn on a log axis. */
const logScalable = (stat) => stat.endsWith('_std');

/** The param to group by at first: the init if it varies, else the first varying param. */
const defaultBy = (params) =>
  params.find((path) => path === 'train.init') ??
  params.find((path) => /init/i.test(path.split('.').pop())) ??
  params[0];

function noStatistics() {
  return notice(
    'empty',
    'No layer statistics yet.',
    'The runner writes them for each Dense layer for the untrained model (epoch 0) with its first ' +
      'epoch, then at the end of every epoch that does not diverge, so they appear once a run has ' +
      'finished its first epoch.',
  );
}

/** A position on the layer axis: a hidden layer by its names, the output layer as such. */
const layerLabel = ({ layer, name }) => (layer === 'output' ? `output: ${name}` : name);

/** "init=he_normal: 4 runs", with the runs left out and why. */
function groupSummary(group, label, epoch) {
  const runs = `${label}: ${group.n} run${group.n === 1 ? '' : 's'}`;
  return group.missing
    ? `${runs} (${group.missing} without statistics at epoch ${epoch}: diverged before it)`
    : runs;
}

export function depthSection(charts, sweepId, params) {
  const state = { by: defaultBy(params), stat: 'act_std', epoch: null, epochs: [], logScale: false };
  const newRequest = latestRequest();
  const { box, canvas } = chartBox('A layer statistic by depth, one line per group');
  const summary = h('p', { className: 'hint' });
  const body = h('div', {}, box, summary);
  const controls = h('div', { className: 'controls' });
  const hint = h(
    'p',
    { className: 'hint' },
    'Layer 0 is the first Dense layer. Hidden layers are placed by their index and every output layer at ' +
      '"output", so networks of different depths compare like with like (a shallower one has no point at ' +
      'the hidden layers it lacks). Weight init decides whether the signal survives depth: with weights ' +
      'of variance about 1/n (n inputs; 2/n before a relu) the activation std keeps its order layer after ' +
      'layer, smaller weights shrink it and larger ones blow it up.',
  );

  function renderControls() {
    const epochOptions = state.epochs.length
      ? state.epochs.map((e) => [String(e), e === 0 ? 'untrained (epoch 0)' : `epoch ${e}`])
      : [['', '–']];
    replaceChildren(
      controls,
      select('group by', params, state.by, (value) => ((state.by = value), refresh())),
      select('statistic', STATISTICS, state.stat, (value) => ((state.stat = value), refresh())),
      select('at epoch', epochOptions, String(state.epoch ?? ''), (value) => {
        state.epoch = Number(value);
        refresh();
      }),
      h(
        'label',
        {
          className: 'control inline',
          title: logScalable(state.stat) ? '' : 'Means can be negative: a log axis is for the stds only.',
        },
        h('input', {
          type: 'checkbox',
          checked: state.logScale,
          disabled: !logScalable(state.stat),
          onchange: (event) => ((state.logScale = event.target.checked), refresh()),
        }),
        h('span', {}, 'log-scale y'),
      ),
    );
  }

  async function refresh() {
    const isLatest = newRequest();
    const query = { by: state.by, stat: state.stat };
    if (state.epoch !== null) query.epoch = state.epoch;
    const depth = await api.depth(sweepId, query);
    if (!isLatest()) return;
    Object.assign(state, { epoch: depth.epoch, epochs: depth.epochs });
    renderControls();
    if (!depth.epochs.length) {
      replaceChildren(body, noStatistics());
      return;
    }
    if (!body.contains(box)) replaceChildren(body, box, summary);
    const labels = legendLabels(depth.groups.map((group) => group.params));
    // Category positions: the server's hidden indices and "output" are labels, not numbers.
    const layers = depth.layers.map((_, i) => i);
    const datasets = depth.groups.flatMap((group, i) => {
      // Points too, so a model with one Dense layer still shows its values.
      const [line, ...band] = bandDatasets(labels[i], layers, group.mean, group.std, colorAt(i));
      return group.n ? [{ ...line, pointRadius: 3 }, ...band] : [];
    });
    charts.line('depth', canvas, {
      datasets,
      title: `${statName(state.stat)} at epoch ${depth.epoch} by layer: mean ± std by ${depth.by}`,
      logScale: state.logScale && logScalable(state.stat),
      categories: {
        title: 'Dense layer: hidden layers by index, then the output layer',
        labels: depth.layers.map(layerLabel),
      },
    });
    summary.textContent = depth.groups
      .map((group, i) => groupSummary(group, labels[i], depth.epoch))
      .join(' · ');
  }

  renderControls();
  return { element: h('div', {}, controls, hint, body), refresh };
}
