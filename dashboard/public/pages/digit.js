// #/digit/:sweepId[/:runId] : draw a digit and a trained run's network classifies it as it is drawn,
// in the browser, from the run's served weights: the class probabilities as bars. The run is the
// sweep's best unless one is named (or picked among the best few). The drawing is prepared as MNIST
// was (digit/preprocess.js) and shown beside it as the network sees it.
import { api, getJson } from '../api.js';
import { h, notice, replaceChildren, section, select } from '../dom.js';
import * as format from '../format.js';
import { setCrumbs } from '../layout.js';
import { mnistImage } from '../digit/preprocess.js';
import { forward, networkOf, scaledInput } from '../digit/mlp.js';

const SIZE = 280;
const PEN = 20;
/** Runs offered in the run select: the best few of the sweep. */
const CHOICES = 20;

function drawingCanvas(onChange) {
  const canvas = h('canvas', {
    width: SIZE,
    height: SIZE,
    className: 'digit-canvas',
    'aria-label': 'Drawing area: draw a digit with the mouse, a pen or a finger',
  });
  const context = canvas.getContext('2d', { willReadFrequently: true });
  const clear = () => {
    context.fillStyle = '#000';
    context.fillRect(0, 0, SIZE, SIZE);
    onChange();
  };
  let last = null;
  let frame = 0;
  // One classification per animation frame however fast the pointer moves.
  const changed = () => {
    if (!frame) frame = window.requestAnimationFrame(() => ((frame = 0), onChange()));
  };
  const point = (event) => {
    const rect = canvas.getBoundingClientRect();
    return [
      ((event.clientX - rect.left) * SIZE) / rect.width,
      ((event.clientY - rect.top) * SIZE) / rect.height,
    ];
  };
  canvas.addEventListener('pointerdown', (event) => {
    canvas.setPointerCapture(event.pointerId);
    last = point(event);
  });
  canvas.addEventListener('pointermove', (event) => {
    if (!last) return;
    const next = point(event);
    context.strokeStyle = '#fff';
    context.lineWidth = PEN;
    context.lineCap = 'round';
    context.beginPath();
    context.moveTo(...last);
    context.lineTo(...next);
    context.stroke();
    last = next;
    changed();
  });
  canvas.addEventListener('pointerup', () => {
    last = null;
    onChange();
  });
  return { canvas, context, clear };
}

export async function renderDigit(main, sweepId, runId) {
  const sweep = await api.sweep(sweepId);
  const best = (await api.runPage(sweepId, { sort: 'rank', limit: CHOICES })).runs.filter((run) => run.rank);
  const chosen = runId ?? best[0]?.id;
  setCrumbs(main, [`#/sweep/${sweepId}`, sweep.name], [null, 'draw a digit']);
  if (!chosen) {
    replaceChildren(
      main,
      notice('empty', 'No finished run yet.', 'A run keeps its weights when it finishes.'),
    );
    return;
  }
  const [{ run }, weights] = await Promise.all([
    api.run(chosen),
    getJson(`/api/runs/${encodeURIComponent(chosen)}/weights`),
  ]);
  const network = networkOf(weights, run.config.model);
  if (!weights.input || network.inputs !== 784) {
    replaceChildren(
      main,
      notice(
        'empty',
        'This run is not an MNIST classifier.',
        `It was trained on ${run.config.data.source.kind} data; pick an MNIST sweep.`,
      ),
    );
    return;
  }
  if (weights.input.refused) {
    replaceChildren(
      main,
      notice('empty', "A drawing cannot be scaled as this run's data was.", `${weights.input.refused}.`),
    );
    return;
  }

  const preview = h('canvas', {
    width: 28,
    height: 28,
    className: 'digit-input',
    'aria-label': 'The drawing as the network sees it',
  });
  const bars = h('ol', { className: 'digit-bars', start: 0 });
  const verdict = h('p', { className: 'verdict', 'aria-live': 'polite' });
  const drawing = drawingCanvas(classify);

  function classify() {
    const { data } = drawing.context.getImageData(0, 0, SIZE, SIZE);
    const grey = new Uint8ClampedArray(SIZE * SIZE);
    for (let i = 0; i < grey.length; i++) grey[i] = data[i * 4];
    const image = mnistImage(grey, SIZE, SIZE);
    const pixels = new window.ImageData(28, 28);
    image.forEach((v, i) => pixels.data.set([v, v, v, 255], i * 4));
    preview.getContext('2d').putImageData(pixels, 0, 0);
    if (!image.some((v) => v > 0)) {
      replaceChildren(bars);
      verdict.textContent = 'Draw a digit in the black square.';
      return;
    }
    const probabilities = forward(network, scaledInput(image, weights.input));
    const top = probabilities.indexOf(Math.max(...probabilities));
    verdict.textContent = `It reads ${top} (${format.percent(probabilities[top])}).`;
    replaceChildren(
      bars,
      probabilities.map((p, digit) =>
        h(
          'li',
          { 'data-p': String(p), className: digit === top ? 'likeliest' : '' },
          h('span', { className: 'digit-label' }, String(digit)),
          h('span', { className: 'digit-bar', style: { width: `${(p * 100).toFixed(2)}%` } }),
          h('span', { className: 'digit-value' }, format.percent(p)),
        ),
      ),
    );
  }

  const runSelect = select(
    'run',
    [...new Set([chosen, ...best.map((r) => r.id)])].map((id) => {
      const ranked = best.find((r) => r.id === id);
      return [id, ranked ? `#${ranked.rank} ${ranked.label}` : id];
    }),
    chosen,
    (id) => (location.hash = `#/digit/${sweepId}/${id}`),
  );
  replaceChildren(
    main,
    h(
      'div',
      { className: 'page-head' },
      h('h1', {}, 'Draw a digit'),
      h(
        'p',
        { className: 'hint' },
        `run ${run.label} of ${sweep.name}, classifying in this browser from its trained weights`,
      ),
    ),
    section(
      'Draw',
      h(
        'div',
        { className: 'controls' },
        runSelect,
        h('button', { type: 'button', onclick: drawing.clear }, 'Clear'),
      ),
      h(
        'div',
        { className: 'digit-row' },
        drawing.canvas,
        h(
          'div',
          {},
          h('p', { className: 'hint' }, 'As the network sees it (20x20 box, centred by mass in 28x28):'),
          preview,
        ),
        h('div', { className: 'digit-result' }, verdict, bars),
      ),
    ),
  );
  drawing.clear();
}
