// Chart.js (loaded as the global Chart from /vendor/chart.umd.js) set up the one way the dashboard
// draws curves: epoch (or named categories, e.g. layers) on x, lines without animation, optional
// log y, optional +/- std bands.
import { number as formatNumber } from './format.js';

const { Chart } = window;

// Axis text and grid lines follow the page's theme (style.css switches on the same query).
if (window.matchMedia('(prefers-color-scheme: dark)').matches) {
  Chart.defaults.color = '#c3cad6';
  Chart.defaults.borderColor = '#343b48';
}

// Tableau 10: distinct hues that stay readable on white.
const PALETTE = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
];

export const colorAt = (index) => PALETTE[index % PALETTE.length];

/**
 * Canvas inside a sized box (Chart.js fills its parent), with a caption for screen readers and a
 * button that downloads what it shows as a PNG.
 */
export function chartBox(title) {
  const canvas = document.createElement('canvas');
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', title);
  const png = document.createElement('button');
  png.type = 'button';
  png.className = 'png';
  png.textContent = 'PNG';
  png.title = `Download "${title}" as PNG`;
  png.addEventListener('click', () => downloadPng(canvas, title));
  const box = document.createElement('div');
  box.className = 'chart';
  box.append(canvas, png);
  return { box, canvas };
}

function downloadPng(canvas, title) {
  const link = document.createElement('a');
  link.download = `${title.replace(/[^\w.-]+/g, '_')}.png`;
  link.href = canvas.toDataURL('image/png');
  link.click();
}

/**
 * Draws a throwaway line chart with a band and a title off screen: the first chart of a page pays
 * Chart.js's start-up (compiling its code, about 60 ms here, more than the chart itself), so a page
 * calls this while it waits for its data rather than once the data is there.
 */
export function warmUpCharts() {
  new Chart(document.createElement('canvas'), {
    type: 'line',
    data: { datasets: [{ data: [{ x: 0, y: 1 }], fill: '+1' }, { data: [{ x: 0, y: 0 }] }] },
    options: {
      animation: false,
      responsive: false,
      parsing: false,
      scales: { x: { type: 'linear' } },
      plugins: { title: { display: true, text: ' ' } },
    },
  }).destroy();
}

/** Keeps the charts of a page so they are destroyed when it re-renders or is left. */
export class Charts {
  #charts = new Map();

  /**
   * Draws (or redraws) the chart named key in canvas; legend: false when the page draws its own.
   * x: epochs on a linear axis, unless categories ({ title, labels }) are given: point x is then
   * the index of its label.
   */
  line(key, canvas, { datasets, title, logScale = false, legend = true, categories = null }) {
    this.#charts.get(key)?.destroy();
    const chart = new Chart(canvas, {
      type: 'line',
      data: { datasets },
      options: {
        animation: false,
        maintainAspectRatio: false,
        parsing: false,
        normalized: true,
        interaction: { mode: 'nearest', intersect: false },
        elements: { point: { radius: 0, hitRadius: 6 }, line: { borderWidth: 2, tension: 0 } },
        scales: {
          x: categories
            ? {
                type: 'category',
                labels: categories.labels,
                offset: true,
                title: { display: true, text: categories.title },
              }
            : { type: 'linear', title: { display: true, text: 'epoch' }, ticks: { precision: 0 } },
          y: {
            type: logScale ? 'logarithmic' : 'linear',
            // Log axes keep Chart.js's sparse labels; linear ones get short numbers, not 1.0000000E-6.
            ticks: logScale ? {} : { callback: (value) => formatNumber(value, 3) },
          },
        },
        plugins: {
          title: { display: Boolean(title), text: title },
          legend: {
            display: legend,
            labels: { boxWidth: 12, filter: (item, data) => !data.datasets[item.datasetIndex].hideInLegend },
          },
          tooltip: { filter: (item) => !item.dataset.band },
        },
      },
    });
    this.#charts.set(key, chart);
    return chart;
  }

  /** Draws (or redraws) any other Chart.js chart named key in canvas, without animation. */
  draw(key, canvas, config) {
    this.#charts.get(key)?.destroy();
    const chart = new Chart(canvas, {
      ...config,
      options: { animation: false, maintainAspectRatio: false, ...config.options },
    });
    this.#charts.set(key, chart);
    return chart;
  }

  destroyAll() {
    for (const chart of this.#charts.values()) chart.destroy();
    this.#charts.clear();
  }
}

/** [[x, y]] -> Chart.js points; y values mapped (e.g. smoothed) first. */
export function toPoints(pairs, mapY = (ys) => ys) {
  const ys = mapY(pairs.map(([, y]) => y));
  return pairs.map(([x], i) => ({ x, y: ys[i] }));
}

export function lineDataset(label, points, color, { dashed = false, endMark = false } = {}) {
  return {
    label,
    data: points,
    borderColor: color,
    backgroundColor: color,
    borderDash: dashed ? [6, 4] : [],
    // A cross on the last point: where the line ends on purpose (early stopping), not for want of epochs.
    ...(endMark && {
      pointStyle: 'crossRot',
      pointRadius: points.map((_, i) => (i === points.length - 1 ? 7 : 0)),
      pointBorderWidth: 2,
    }),
  };
}

/**
 * A mean line and the +/- std band around it (two invisible edge datasets, the upper filled to the
 * lower). A null mean is a gap in all three.
 */
export function bandDatasets(label, epochs, means, stds, color) {
  const edge = (sign) =>
    epochs.map((x, i) => ({ x, y: means[i] === null ? null : means[i] + sign * stds[i] }));
  const band = { borderWidth: 0, pointRadius: 0, band: true, hideInLegend: true, label: '' };
  return [
    lineDataset(
      label,
      epochs.map((x, i) => ({ x, y: means[i] })),
      color,
    ),
    { ...band, data: edge(1), fill: '+1', backgroundColor: `${color}33`, borderColor: 'transparent' },
    { ...band, data: edge(-1), fill: false, borderColor: 'transparent' },
  ];
}

/** A color for t in [0, 1] on a light-to-dark blue ramp, and the text color readable on it. */
export function heatColor(t) {
  const clamped = Number.isFinite(t) ? Math.min(1, Math.max(0, t)) : 0;
  const lightness = 96 - clamped * 62;
  return { background: `hsl(212 70% ${lightness}%)`, color: lightness < 58 ? '#fff' : '#111' };
}
