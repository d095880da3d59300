// Metric selects over the API's MetricChoice ({ choices, withData, preferred }, see src/metric-choices.ts)
// and what to say when the chosen metric has no values, e.g. in a sweep without a validation set.
import { select } from './dom.js';
import { metricName } from './format.js';

/** The metric to show: the one picked by hand, else the sweep's preferred one (it follows live data). */
export const chosenMetric = (picked, choice) => picked ?? choice.preferred;

/** A select over a MetricChoice; metrics without values stay choosable but say so. */
export function metricSelect(label, choice, value, onChange) {
  const options = choice.choices.map((metric) => [
    metric,
    choice.withData.includes(metric) ? metricName(metric) : `${metricName(metric)} (no values)`,
  ]);
  return select(label, options, value, onChange);
}

/** "a", "a or b", "a, b or c". */
function orList(names) {
  return names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
}

/** [title, explanation] for a notice: why no run of the sweep has a value of metric, and what to pick. */
export function whyNoValues(metric, choice) {
  if (!choice.withData.length)
    return ['No values yet.', 'They appear as soon as the first epoch of a run is written.'];
  const instead = `choose ${orList(choice.withData.map(metricName))}`;
  if (metric.includes('val'))
    return [
      'This sweep has no validation set.',
      `Its config carves none (data.validation: 0), so there is no ${metricName(metric)}: ${instead}.`,
    ];
  if (metric.startsWith('test'))
    return ['No test results yet.', `They are written as each run finishes: ${instead} meanwhile.`];
  return [`No run has a ${metricName(metric)} yet.`, `${instead[0].toUpperCase()}${instead.slice(1)}.`];
}
