// Sampled axes: `sweep.sample` draws `count` points once from its own seed, each a value for every
// sampled path, so the same file gives the same points on every machine and worker count. The
// points form one axis of the sweep, innermost: the runs are grid x samples x seeds, and a sampled
// point is a group (its seeds averaged) like a grid point.
import { Rng } from '@ablate/tensor';
import { canonicalJson } from '../view/canonical.js';
import { show, type Fail } from './errors.ts';
import type { Axis } from './grid.ts';
import type { SampleSpec } from './types.ts';

/** How one sampled path draws its value. */
type Distribution =
  | { logUniform: [number, number] }
  | { uniform: [number, number] }
  | { intUniform: [number, number] }
  | { choice: unknown[] };

const EXPECTED = 'expected {logUniform: [a, b]}, {uniform: [a, b]}, {intUniform: [a, b]} or {choice: [...]}';

/** Draws per point allowed before giving up on finding `count` distinct ones. */
const DRAWS_PER_POINT = 100;

/** The distribution written at `where`, checked; fails with what was expected. */
function distribution(value: unknown, where: (string | number)[], fail: Fail): Distribution {
  const entries = value && typeof value === 'object' && !Array.isArray(value) ? Object.entries(value) : [];
  if (entries.length !== 1) return fail(where, 'value', `${EXPECTED}, found ${show(value)}`);
  const [[kind, range]] = entries;
  const at = [...where, kind];
  if (kind === 'choice') {
    if (!Array.isArray(range) || range.length === 0)
      fail(at, 'value', `expected a non-empty list of values, found ${show(range)}`);
    return { choice: range as unknown[] };
  }
  if (kind !== 'logUniform' && kind !== 'uniform' && kind !== 'intUniform')
    return fail(at, 'key', `${EXPECTED}, found ${kind}`);
  const integer = kind === 'intUniform';
  const isNumber = (v: unknown) =>
    typeof v === 'number' && Number.isFinite(v) && (!integer || Number.isInteger(v));
  if (!Array.isArray(range) || range.length !== 2 || !range.every(isNumber))
    fail(
      at,
      'value',
      `expected [a, b], two ${integer ? 'integers' : 'finite numbers'}, found ${show(range)}`,
    );
  const [a, b] = range as [number, number];
  if (a > b) fail(at, 'value', `expected [a, b] with a <= b, found ${show(range)}`);
  if (kind === 'logUniform' && a <= 0)
    fail(at, 'value', `expected a > 0 (the logarithm of the range is sampled), found ${show(range)}`);
  return { [kind]: [a, b] } as Distribution;
}

/** Six significant digits: a drawn rate reads (and can be copied into a grid) as 0.00215488. */
const readable = (x: number) => Number(x.toPrecision(6));

function draw(d: Distribution, rng: Rng): unknown {
  if ('choice' in d) return structuredClone(d.choice[rng.int(d.choice.length)]);
  if ('intUniform' in d) return d.intUniform[0] + rng.int(d.intUniform[1] - d.intUniform[0] + 1);
  if ('uniform' in d) return readable(rng.uniformIn(d.uniform[0], d.uniform[1]));
  const [a, b] = d.logUniform;
  return readable(Math.exp(rng.uniformIn(Math.log(a), Math.log(b))));
}

/**
 * The sampled axis, or null without `sweep.sample`; `claim` checks each path as grid keys are
 * checked (a run-config path, varied in one place only).
 */
export function sampleAxis(
  sample: SampleSpec | undefined,
  claim: (path: string, origin: (string | number)[]) => void,
  fail: Fail,
): Axis | null {
  if (!sample) return null;
  const origin = ['sweep', 'sample', 'params'];
  const params = Object.entries(sample.params);
  if (params.length === 0) fail(origin, 'value', 'expected at least one path to sample, found {}');
  const distributions = params.map(([path, value]) => {
    claim(path, origin);
    return distribution(value, [...origin, path], fail);
  });
  // Drawn in file order from the sample's own stream: the points depend on the file alone.
  const rng = Rng.derive(sample.seed, 'sample');
  const points: unknown[][] = [];
  const seen = new Set<string>();
  for (let tries = 0; points.length < sample.count && tries < sample.count * DRAWS_PER_POINT; tries++) {
    const point = distributions.map((d) => draw(d, rng));
    const key = canonicalJson(point);
    if (seen.has(key)) continue; // the same point twice would plan the same runs twice
    seen.add(key);
    points.push(point);
  }
  if (points.length < sample.count)
    fail(
      ['sweep', 'sample', 'count'],
      'value',
      `expected at most ${points.length} points: no more distinct ones were found in ${sample.count * DRAWS_PER_POINT} draws`,
    );
  return { paths: params.map(([path]) => path), values: points, origin };
}
