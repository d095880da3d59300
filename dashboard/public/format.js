// How numbers and dates are shown.
import { formatValue } from '/shared/format.js';

export function number(value, digits = 4) {
  if (value === null || value === undefined) return '–';
  if (!Number.isFinite(value)) return String(value);
  if (value !== 0 && (Math.abs(value) < 1e-3 || Math.abs(value) >= 1e5)) return value.toExponential(2);
  return Number(value.toPrecision(digits)).toString();
}

export function percent(value) {
  return value === null || value === undefined ? '–' : `${(value * 100).toFixed(2)}%`;
}

export function date(iso) {
  return iso ? new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) : '–';
}

export function seconds(value) {
  if (value === null || value === undefined) return '–';
  return value < 90 ? `${value.toFixed(1)} s` : `${(value / 60).toFixed(1)} min`;
}

export const param = formatValue;

export function statusCounts(counts) {
  return Object.entries(counts)
    .map(([status, n]) => `${n} ${status}`)
    .join(', ');
}

/** Metric names for people: "final_val_acc" -> "final val acc". */
export const metricName = (metric) => metric.replaceAll('_', ' ');

/** A metric's value for people: accuracies as percentages, losses as numbers. */
export const metricValue = (metric, value) => (metric.endsWith('_acc') ? percent(value) : number(value));
