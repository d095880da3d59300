// What differs between configs and between runs: the runner's message for a changed sweep file,
// the dashboard's compare page and its legends (a curve named only by what sets it apart).
import { canonicalJson } from './canonical.js';
import { formatParam, shortNames } from './format.js';

/**
 * Flattens nested objects into dotted paths. Arrays, scalars and, below the top, named values
 * ({ name: 'normal', std: 1 }, { kind: 'mnist' }) are leaves: one setting, diffed and shown whole
 * as normal(std=1), so lecun_normal vs normal(std=1) is one row, not three.
 */
export function flatten(value, prefix = '', into = {}) {
  const named = prefix && (typeof value?.name === 'string' || typeof value?.kind === 'string');
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && !named) {
    for (const [key, child] of Object.entries(value)) flatten(child, prefix ? `${prefix}.${key}` : key, into);
  } else if (prefix) {
    into[prefix] = value;
  }
  return into;
}

/** Whether two values are the same setting (arrays and objects by their canonical JSON: key order aside). */
export const sameValue = (a, b) => canonicalJson(a) === canonicalJson(b);

/** The paths whose values differ between two configs, sorted, with both values (missing is undefined). */
export function configDiff(a, b) {
  const flatA = flatten(a);
  const flatB = flatten(b);
  const paths = [...new Set([...Object.keys(flatA), ...Object.keys(flatB)])].sort();
  return paths
    .filter((path) => !sameValue(flatA[path], flatB[path]))
    .map((path) => ({ path, a: flatA[path], b: flatB[path] }));
}

/** The keys of params objects whose values are not the same in all of them, in first-seen order. */
export function differingKeys(paramsList) {
  const keys = [...new Set(paramsList.flatMap((params) => Object.keys(params)))];
  return keys.filter((key) => paramsList.some((params) => !sameValue(params[key], paramsList[0][key])));
}

/**
 * One legend label per params object, naming only what differs among them ("init=he momentum=0.9").
 * When nothing differs, the fallback labels (e.g. run labels) are used.
 */
export function legendLabels(paramsList, fallbacks = []) {
  const keys = differingKeys(paramsList);
  if (!keys.length) return paramsList.map((_, i) => fallbacks[i] ?? `run ${i + 1}`);
  const names = shortNames(keys);
  return paramsList.map((params) => keys.map((key, i) => formatParam(names[i], params[key])).join(' '));
}
