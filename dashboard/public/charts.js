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

export {
  bandDatasets,
  colorAt,
  END_MARKS,
  endMarkOf,
  heatColor,
  lineDataset,
  THRESHOLD_KEY,
  thresholdTicks,
} from '/shared/chart-data.js';

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
