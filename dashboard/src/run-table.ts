// The runs table served a page at a time: filtered by text, tag and ranges (the parallel
// coordinates' brushes), sorted by any column, sliced. A 10,000-run sweep is 6 MB of JSON; the page
// asks for the hundred rows it shows. What a filter or sort needs is derived once per read of the
// sweep (the cache follows the store's change token through the SweepWithRuns object), so one
// request is a scan of prepared arrays, a few milliseconds at 10,000 runs.
import { formatValue } from '@ablate/runner/view/format.js';
import { badRequest } from './http-error.ts';
import { FINAL_METRICS } from './metric-choices.ts';
import type { ApiRun, SweepWithRuns } from './sweep-data.ts';

type SortValue = number | string | null;

/** The non-param columns a page may sort by, and the value each sorts on. */
const COLUMN_VALUES: Record<string, (run: ApiRun) => SortValue> = {
  run: (run) => run.label,
  status: (run) => run.status,
  epochs: (run) => run.epochsDone,
  bestEpoch: (run) => run.bestEpoch,
  time: (run) => run.wallSeconds,
  rank: (run) => run.rank,
  tags: (run) => run.tags.join(' ') || null,
  ...Object.fromEntries(FINAL_METRICS.map((metric) => [metric, (run: ApiRun) => run.results[metric]])),
};

/** A param's value to sort and range-filter by: numbers as numbers, anything else its grid position. */
function paramValue(sweep: SweepWithRuns, path: string): (run: ApiRun) => SortValue {
  const values = sweep.values[path];
  if (values.every((value) => typeof value === 'number' || value === null))
    return (run) => (run.params[path] ?? null) as number | null;
  const positions = new Map(values.map((value, i) => [JSON.stringify(value), i]));
  return (run) => positions.get(JSON.stringify(run.params[path] ?? null)) ?? null;
}

function columnValue(sweep: SweepWithRuns, key: string): (run: ApiRun) => SortValue {
  if (sweep.varying.includes(key)) return paramValue(sweep, key);
  const value = COLUMN_VALUES[key];
  if (!value)
    throw badRequest(
      `sort: no column "${key}" (a varying param or ${Object.keys(COLUMN_VALUES).join(', ')})`,
    );
  return value;
}

/** Numbers by value, text in natural order ("run10" after "run9"). */
const collator = new Intl.Collator(undefined, { numeric: true });
const compare = (a: number | string, b: number | string) =>
  typeof a === 'number' && typeof b === 'number' ? a - b : collator.compare(String(a), String(b));

interface Prepared {
  /** Per run (plan order): what a text filter searches, lower case. */
  text: string[];
  /** Per column: run positions by ascending value, then those without a value. */
  orders: Map<string, { sorted: number[]; missing: number[] }>;
  values: Map<string, SortValue[]>;
}

const prepared = new WeakMap<SweepWithRuns, Prepared>();

function prepare(sweep: SweepWithRuns): Prepared {
  let ready = prepared.get(sweep);
  if (!ready) {
    ready = {
      text: sweep.runs.map((run) =>
        [run.id, run.label, run.status, ...run.tags, ...sweep.varying.map((p) => formatValue(run.params[p]))]
          .join(' ')
          .toLowerCase(),
      ),
      orders: new Map(),
      values: new Map(),
    };
    prepared.set(sweep, ready);
  }
  return ready;
}

/**
 * A column's value for every run, in plan order (cached per read of the sweep): what it sorts and
 * range-filters on, and what the parallel coordinates draw.
 */
export function valuesOf(sweep: SweepWithRuns, key: string): SortValue[] {
  const ready = prepare(sweep);
  let values = ready.values.get(key);
  if (!values) {
    values = sweep.runs.map(columnValue(sweep, key));
    ready.values.set(key, values);
  }
  return values;
}

function orderOf(sweep: SweepWithRuns, key: string): { sorted: number[]; missing: number[] } {
  const ready = prepare(sweep);
  let order = ready.orders.get(key);
  if (!order) {
    const values = valuesOf(sweep, key);
    const positions = values.map((_, i) => i);
    const sorted = positions.filter((i) => values[i] !== null);
    // Ties keep plan order (Array.prototype.sort is stable).
    sorted.sort((a, b) => compare(values[a]!, values[b]!));
    order = { sorted, missing: positions.filter((i) => values[i] === null) };
    ready.orders.set(key, order);
  }
  return order;
}

/** A brush on one axis: runs whose column value lies in [low, high] (params by value or grid position). */
export interface Range {
  key: string;
  low: number;
  high: number;
}

export interface RunQuery {
  /** Whitespace-separated words, every one of which must occur in the run's id, label, status, tags or params. */
  text: string;
  tag: string | null;
  ranges: Range[];
  sort: string | null;
  descending: boolean;
  offset: number;
  limit: number;
}

export interface RunPage {
  /** Runs in the sweep, and how many pass the filters. */
  total: number;
  matched: number;
  offset: number;
  runs: ApiRun[];
}

/** Whether the run at a position (plan order) lies within every range: the brushes' one rule. */
export function withinRanges(sweep: SweepWithRuns, ranges: Range[]): (position: number) => boolean {
  const columns = ranges.map((range) => ({ ...range, values: valuesOf(sweep, range.key) }));
  return (i) =>
    columns.every(({ values, low, high }) => {
      const value = values[i];
      return typeof value === 'number' && value >= low && value <= high;
    });
}

/** The positions of the runs that pass the query's filters, in the query's order. */
function matchingPositions(sweep: SweepWithRuns, query: Omit<RunQuery, 'offset' | 'limit'>): number[] {
  const { text } = prepare(sweep);
  const words = query.text.toLowerCase().split(/\s+/).filter(Boolean);
  const inRanges = withinRanges(sweep, query.ranges);
  const passes = (i: number) =>
    words.every((word) => text[i].includes(word)) &&
    (query.tag === null || sweep.runs[i].tags.includes(query.tag)) &&
    inRanges(i);
  if (!query.sort) return sweep.runs.map((_, i) => i).filter(passes);
  const { sorted, missing } = orderOf(sweep, query.sort);
  // Runs without a value come last whichever the direction: a half-trained run is not the worst.
  const ordered = query.descending ? [...sorted].reverse() : sorted;
  return [...ordered.filter(passes), ...missing.filter(passes)];
}

export function runPage(sweep: SweepWithRuns, query: RunQuery): RunPage {
  const positions = matchingPositions(sweep, query);
  return {
    total: sweep.runs.length,
    matched: positions.length,
    offset: query.offset,
    runs: positions.slice(query.offset, query.offset + query.limit).map((i) => sweep.runs[i]),
  };
}

/** Checks that a sort or range key names a column, so a typo is a 400 rather than an empty page. */
export function checkColumn(sweep: SweepWithRuns, key: string): string {
  columnValue(sweep, key);
  return key;
}
