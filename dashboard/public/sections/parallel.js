// Parallel coordinates: one vertical axis per varying param and one for a final metric, one line per
// run, colored by the metric. Dragging along an axis brushes a range on it (a click clears it); the
// brushes filter the runs table (the server's ?ranges=, in the axes' own units) and the curves.
// Drawn on one canvas, where 10,000 SVG paths would take seconds.
import { api } from '../api.js';
import { chartBox, heatColor } from '../charts.js';
import { h, notice, replaceChildren } from '../dom.js';
import * as format from '../format.js';
import { latestRequest } from '../latest.js';
import { shortNames } from '/shared/format.js';
import { chosenMetric, metricSelect, whyNoValues } from '../metric-select.js';
import { setViewState, viewState } from '../url-state.js';

const PAD = { top: 40, bottom: 16, side: 110 };
/** How close to an axis (px) a drag must start to brush it. */
const GRAB = 16;

/** ?brush=key:low:high;... <-> { key: [low, high] } (the runs table's ?ranges= syntax). */
export const brushesToText = (brushes) =>
  Object.entries(brushes)
    .map(([key, [low, high]]) => `${key}:${low}:${high}`)
    .join(';');

export function brushesFromText(text) {
  const brushes = {};
  for (const part of (text ?? '').split(';').filter(Boolean)) {
    const [low, high] = part.split(':').slice(-2).map(Number);
    if (Number.isFinite(low) && Number.isFinite(high))
      brushes[part.split(':').slice(0, -2).join(':')] = [low, high];
  }
  return brushes;
}

/** A linear or (for positive values spanning 100x or more: rates) logarithmic map of [min, max] to [0, 1]. */
function axisScale(axis, column) {
  if (!axis.numeric) {
    const last = Math.max(1, axis.values.length - 1);
    return { log: false, toUnit: (v) => v / last, fromUnit: (u) => u * last, min: 0, max: last };
  }
  const present = column.filter((v) => v !== null);
  const [min, max] = [Math.min(...present), Math.max(...present)];
  const log = min > 0 && max / min >= 100;
  const f = log ? Math.log : (v) => v;
  const inverse = log ? Math.exp : (v) => v;
  const span = f(max) - f(min) || 1;
  return {
    log,
    min,
    max,
    toUnit: (v) => (f(v) - f(min)) / span,
    fromUnit: (u) => inverse(f(min) + u * span),
  };
}

/** metrics() -> the sweep's current metrics; onBrush(brushes) after a brush changes. */
export function parallelSection(sweepId, metrics, onBrush) {
  const view = viewState();
  const state = { metric: view.get('pmetric'), brushes: brushesFromText(view.get('brush')), data: null };
  const controls = h('div', { className: 'controls' });
  const { box, canvas } = chartBox('Parallel coordinates of the runs');
  box.classList.add('parallel');
  const hint = h(
    'p',
    { className: 'hint' },
    'Drag along an axis to keep the runs within a range (it filters the runs table and the curves); click an axis to clear its range.',
  );
  const body = h('div', {}, hint, box);
  let scales = [];
  let drag = null;
  const newRequest = latestRequest();

  const axisX = (i, width) => PAD.side + (i * (width - 2 * PAD.side)) / Math.max(1, scales.length - 1);
  const unitY = (u, height) => height - PAD.bottom - u * (height - PAD.top - PAD.bottom);

  function draw() {
    const { data } = state;
    const ratio = window.devicePixelRatio || 1;
    const width = box.clientWidth;
    const height = box.clientHeight;
    canvas.width = width * ratio;
    canvas.height = height * ratio;
    canvas.style.width = `${width}px`;
    canvas.style.height = `${height}px`;
    const context = canvas.getContext('2d');
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.clearRect(0, 0, width, height);
    const metricColumn = data.columns.at(-1);
    const metricScale = scales.at(-1);
    const inBrush = (run) =>
      data.axes.every((axis, a) => {
        const range = state.brushes[axis.key];
        const value = data.columns[a][run];
        return !range || (value !== null && value >= range[0] && value <= range[1]);
      });
    const runs = metricColumn.length;
    // Faint lines for many runs, so density shows; those outside a brush in grey, beneath.
    const alpha = Math.min(0.8, Math.max(0.04, 60 / runs));
    const grey = 'rgb(128, 128, 128)';
    // The ramp in 33 steps, its strings made once rather than once per line.
    const ramp = Array.from({ length: 33 }, (_, i) => heatColor(i / 32).background);
    const under = new Map();
    const over = new Map();
    let kept = 0;
    for (let run = 0; run < runs; run++) {
      if (!inBrush(run)) {
        addSegments(under, grey, run, width, height);
        continue;
      }
      kept++;
      const value = metricColumn[run];
      addSegments(
        over,
        value === null ? '#999' : ramp[Math.round(metricScale.toUnit(value) * 32)],
        run,
        width,
        height,
      );
    }
    context.lineWidth = 1;
    strokeSegments(context, under, alpha / 2);
    strokeSegments(context, over, alpha);
    context.globalAlpha = 1;
    drawAxes(context, width, height);
    canvas.setAttribute(
      'aria-label',
      `Parallel coordinates of ${runs} runs over ${data.axes.map((axis) => axis.key).join(', ')}; ${kept} within the brushes`,
    );
  }

  // A grid's runs share most of their segments (a few values per axis), and 10,000 strokes, one per
  // run, took 150 ms. So each distinct segment of one colour is counted, and stroked once with the
  // opacity its n overlapping strokes would have built up, 1 - (1 - alpha)^n; the segments of one
  // colour and count go into one path: a few dozen strokes, and nearly the same picture (only where
  // different lines cross is a pixel blended once rather than twice).

  /** Adds run's polyline (axes without a value skipped) to segments: colour -> endpoints -> {from, to, n}. */
  function addSegments(segments, colour, run, width, height) {
    const byKey = segments.get(colour) ?? new Map();
    segments.set(colour, byKey);
    let last = null;
    state.data.columns.forEach((column, a) => {
      const value = column[run];
      if (value === null) return;
      const point = [axisX(a, width), unitY(scales[a].toUnit(value), height)];
      if (last) {
        const key = `${last[0]},${last[1]},${point[0]},${point[1]}`;
        const segment = byKey.get(key);
        if (segment) segment.n++;
        else byKey.set(key, { from: last, to: point, n: 1 });
      }
      last = point;
    });
  }

  function strokeSegments(context, segments, alpha) {
    for (const [colour, byKey] of segments) {
      const byCount = new Map();
      for (const segment of byKey.values()) {
        if (!byCount.has(segment.n)) byCount.set(segment.n, []);
        byCount.get(segment.n).push(segment);
      }
      context.strokeStyle = colour;
      for (const [n, list] of byCount) {
        context.globalAlpha = 1 - (1 - alpha) ** n;
        context.beginPath();
        for (const { from, to } of list) {
          context.moveTo(from[0], from[1]);
          context.lineTo(to[0], to[1]);
        }
        context.stroke();
      }
    }
    context.globalAlpha = 1;
  }

  function drawAxes(context, width, height) {
    const style = window.getComputedStyle(document.documentElement);
    const ink = style.getPropertyValue('--ink') || '#1d2330';
    const names = shortNames(state.data.axes.slice(0, -1).map((axis) => axis.key));
    context.font = '12px system-ui, sans-serif';
    context.textAlign = 'center';
    state.data.axes.forEach((axis, a) => {
      const x = axisX(a, width);
      const scale = scales[a];
      context.strokeStyle = ink;
      context.fillStyle = ink;
      context.lineWidth = 1;
      context.beginPath();
      context.moveTo(x, unitY(0, height));
      context.lineTo(x, unitY(1, height));
      context.stroke();
      const title = a < names.length ? names[a] : format.metricName(axis.key);
      context.fillText(`${title}${scale.log ? ' (log)' : ''}`, x, PAD.top - 12);
      // A param's every value (a grid has few); the metric's range.
      const ticks = axis.values ?? [scale.min, scale.max];
      ticks.forEach((value, i) => {
        const y = unitY(scale.toUnit(axis.numeric ? value : i), height);
        const text = axis.numeric ? format.number(value, 3) : format.param(value);
        context.textAlign = 'right';
        context.fillText(text.slice(0, 16), x - 4, y + 4);
        context.textAlign = 'center';
      });
      const range = state.brushes[axis.key];
      if (range) {
        const [top, bottom] = [unitY(scale.toUnit(range[1]), height), unitY(scale.toUnit(range[0]), height)];
        context.fillStyle = 'rgba(255, 159, 28, 0.35)';
        context.fillRect(x - 7, top, 14, bottom - top);
        context.strokeStyle = '#ff9f1c';
        context.strokeRect(x - 7, top, 14, bottom - top);
      }
    });
  }

  /** The axis a pointer at x is on, and its value at y, in the axis' units. */
  function pointerAt(event) {
    const rect = canvas.getBoundingClientRect();
    const x = event.clientX - rect.left;
    const y = event.clientY - rect.top;
    const a = scales.findIndex((_, i) => Math.abs(axisX(i, rect.width) - x) <= GRAB);
    const unit = Math.min(
      1,
      Math.max(0, (rect.height - PAD.bottom - y) / (rect.height - PAD.top - PAD.bottom)),
    );
    return { a, unit };
  }

  canvas.addEventListener('pointerdown', (event) => {
    const { a, unit } = pointerAt(event);
    if (a < 0 || !state.data) return;
    drag = { a, start: unit, moved: false };
    canvas.setPointerCapture(event.pointerId);
  });
  canvas.addEventListener('pointermove', (event) => {
    if (!drag) return;
    const { unit } = pointerAt(event);
    if (Math.abs(unit - drag.start) < 0.01) return;
    drag.moved = true;
    const scale = scales[drag.a];
    const [low, high] = [Math.min(unit, drag.start), Math.max(unit, drag.start)].map(scale.fromUnit);
    state.brushes[state.data.axes[drag.a].key] = [low, high];
    draw();
  });
  canvas.addEventListener('pointerup', () => {
    if (!drag) return;
    if (!drag.moved) delete state.brushes[state.data.axes[drag.a].key];
    drag = null;
    draw();
    brushed();
  });

  function brushed() {
    setViewState({ brush: brushesToText(state.brushes) });
    onBrush(state.brushes);
  }

  async function refresh() {
    const metric = chosenMetric(state.metric, metrics().final);
    replaceChildren(
      controls,
      metricSelect('metric axis', metrics().final, metric, (value) => {
        // Brushes on the old metric's axis mean nothing on the new one.
        if (state.metric !== value) delete state.brushes[metric];
        state.metric = value;
        setViewState({ pmetric: value });
        brushed();
        refresh();
      }),
    );
    const isLatest = newRequest();
    const data = await api.parallel(sweepId, { metric });
    if (!isLatest()) return;
    state.data = data;
    if (!state.data.columns.at(-1).some((value) => value !== null)) {
      replaceChildren(body, notice('empty', ...whyNoValues(metric, metrics().final)));
      return;
    }
    if (!body.contains(box)) replaceChildren(body, hint, box);
    scales = state.data.axes.map((axis, a) => axisScale(axis, state.data.columns[a]));
    draw();
  }

  const element = h('div', {}, controls, body);
  return { element, refresh, brushes: () => state.brushes };
}
