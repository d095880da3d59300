// What the charts are drawn with: one palette for series, one ramp for heatmaps, and Chart.js
// datasets for a line and a mean with its +/- std band. Shared by the dashboard's pages and the
// offline report, which builds its charts' configs in Node (plain JavaScript, served at /shared/).
import { stoppedEarly } from './early-stop.js';

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

/** A color for t in [0, 1] on a light-to-dark blue ramp, and the text color readable on it. */
export function heatColor(t) {
  const clamped = Number.isFinite(t) ? Math.min(1, Math.max(0, t)) : 0;
  const lightness = 96 - clamped * 62;
  return { background: `hsl(212 70% ${lightness}%)`, color: lightness < 58 ? '#fff' : '#111' };
}

/**
 * How a run's curves end when it stopped on purpose, short of its planned epochs, and what the line
 * key says of it: early stopping ended it (a cross) or pruning did, at a rung (a filled triangle).
 */
export const END_MARKS = {
  stopped: { pointStyle: 'crossRot', key: '×: early stopping ended the run' },
  pruned: { pointStyle: 'triangle', key: '▲: pruned at a rung' },
};

/** Which of END_MARKS a run's curves end in, null for a run that did not stop on purpose. */
export function endMarkOf(status, epochsDone, epochsPlanned) {
  if (status === 'pruned') return 'pruned';
  return stoppedEarly(status, epochsDone, epochsPlanned) ? 'stopped' : null;
}

/** endMark: a key of END_MARKS, marking the last point (where the line ends on purpose, not for want of epochs). */
export function lineDataset(label, points, color, { dashed = false, endMark = null } = {}) {
  return {
    label,
    data: points,
    borderColor: color,
    backgroundColor: color,
    borderDash: dashed ? [6, 4] : [],
    ...(endMark && {
      endMark,
      pointStyle: END_MARKS[endMark].pointStyle,
      pointRadius: points.map((_, i) => (i === points.length - 1 ? 7 : 0)),
      pointBorderWidth: 2,
    }),
  };
}

/** What the line key says of thresholdTicks' ticks. */
export const THRESHOLD_KEY = '—: prune threshold at each rung';

/**
 * A short horizontal tick at (rung, threshold) for each threshold a prune rule compared with:
 * rungs [{ rung, thresholds }]. Grey, for no run's colour: the rule's, over every run.
 */
export function thresholdTicks(label, rungs) {
  return {
    label,
    data: rungs.flatMap(({ rung, thresholds }) => thresholds.map((y) => ({ x: rung, y }))),
    threshold: true,
    showLine: false,
    borderColor: '#888',
    backgroundColor: '#888',
    pointStyle: 'line',
    pointRadius: 10,
    pointHoverRadius: 10,
    pointBorderWidth: 3,
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
