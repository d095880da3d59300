// How a param value reads, wherever people read it: run labels, the CLI's tables, the dashboard's
// tables, legends, heatmap and Markdown. One implementation, imported by the runner and served to
// the browser as it is (see ../../README.md, "Shared with the browser").

/**
 * Compact and space-free: strings as they are, arrays as [a,b], {name, ...rest} as name(k=v); a
 * user's component {file, sha256, ...options} by its file's name (my-dense.ts(k=v)), its path and
 * hash being in the run's config.
 */
export function formatValue(value) {
  if (Array.isArray(value)) return `[${value.map(formatValue).join(',')}]`;
  if (value === null || typeof value !== 'object') return String(value);
  if (typeof value.file === 'string') {
    const { file, sha256: _sha256, ...options } = value;
    const base = file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
    return Object.keys(options).length ? `${base}(${fields(options)})` : base;
  }
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

/** Each path's last segment ("train.lr" -> "lr"), or the whole path where two last segments collide. */
export function shortNames(paths) {
  const last = (path) => path.slice(path.lastIndexOf('.') + 1);
  return paths.map((path) =>
    paths.filter((other) => last(other) === last(path)).length > 1 ? path : last(path),
  );
}
