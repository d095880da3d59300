// A run's varying values in a form people scan quickly: "lr=0.1 hidden=[128,64] init=he_normal seed=1".

/** Space-separated name=value pairs; a name is its path's last segment unless two would collide. */
export function formatLabel(params: Record<string, unknown>): string {
  const names = shortNames(Object.keys(params));
  return Object.keys(params)
    .map((p, i) => `${names[i]}=${formatValue(params[p])}`)
    .join(' ');
}

/** Each path's last segment ("train.lr" -> "lr"), or the whole path where two last segments collide. */
export function shortNames(paths: readonly string[]): string[] {
  const last = (p: string) => p.slice(p.lastIndexOf('.') + 1);
  return paths.map((p) => (paths.filter((other) => last(other) === last(p)).length > 1 ? p : last(p)));
}

/** Compact and space-free: [128,64], normal(std=0.1), {first=600}. */
export function formatValue(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(formatValue).join(',')}]`;
  if (value === null || typeof value !== 'object') return String(value);
  const { name, kind, ...rest } = value as Record<string, unknown>;
  const fields = Object.entries(rest).map(([key, v]) => `${key}=${formatValue(v)}`);
  const title = name ?? kind;
  if (typeof title === 'string') return fields.length > 0 ? `${title}(${fields.join(',')})` : title;
  return `{${Object.entries(value)
    .map(([key, v]) => `${key}=${formatValue(v)}`)
    .join(',')}}`;
}
