// A run's varying values in a form people scan quickly: "lr=0.1 hidden=[128,64] init=he_normal seed=1".
import { formatValue, shortNames } from '../view/format.js';

/** Space-separated name=value pairs; a name is its path's last segment unless two would collide. */
export function formatLabel(params: Record<string, unknown>): string {
  const names = shortNames(Object.keys(params));
  return Object.keys(params)
    .map((p, i) => `${names[i]}=${formatValue(params[p])}`)
    .join(' ');
}
