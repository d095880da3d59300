// A param value as the runner's run labels show it (packages/runner/src/config/label.ts), so the
// table, legends, heatmap and Markdown read like the labels: lecun_normal, [128,64], normal(std=1).

/** Compact and space-free: strings as they are, arrays as [a,b], {name, ...rest} as name(k=v). */
export function formatValue(value) {
  if (Array.isArray(value)) return `[${value.map(formatValue).join(',')}]`;
  if (value === null || typeof value !== 'object') return String(value);
  const { name, kind, ...rest } = value;
  const title = name ?? kind;
  // Without a string name or kind there is nothing to title the fields by: show them all in braces.
  if (typeof title !== 'string') return `{${fields(value)}}`;
  return Object.keys(rest).length ? `${title}(${fields(rest)})` : title;
}

/** "train.init=normal(std=1)": a param and its value, as heatmap axes and tables name a cell. */
export const formatParam = (path, value) => `${path}=${formatValue(value)}`;

const fields = (object) =>
  Object.entries(object)
    .map(([key, v]) => `${key}=${formatValue(v)}`)
    .join(',');
