// The JSON API and its live event stream, from the browser.

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export async function getJson(path) {
  const response = await fetch(path, { headers: { Accept: 'application/json' } });
  const body = await response.json().catch(() => ({ error: `${response.status} ${response.statusText}` }));
  if (!response.ok) throw new ApiError(response.status, body.error ?? response.statusText);
  return body;
}

/**
 * The read of each sweep the page shows (SweepWithRuns.version), set by api.sweep. Every other
 * request about the sweep names it, so the server answers from that read without asking the
 * store whether it changed: the page learns of changes from its event stream and calls api.sweep.
 */
const versions = new Map();

/** A sweep's route with its query and the version the page shows. */
function sweepPath(id, route, query = {}) {
  const params = new URLSearchParams(query);
  if (versions.has(id)) params.set('version', versions.get(id));
  return `/api/sweeps/${id}${route}?${params}`;
}

/** #/sweep/:id, the view state after "?" aside; app.js routes the sweep page with it. */
/** #/sweep/ID, or #/sweep/ID+ID... for sweeps side by side. */
export const SWEEP_ROUTE = /^#\/sweep\/(\d+(?:\+\d+)*)$/;

/**
 * When the app starts on a sweep's page, the page's first request, made as this module loads:
 * index.html loads it first, on its own, so the request need not wait for the app's other modules.
 * The server's first answer about a sweep asks the store whether it changed (on PostgreSQL tens of
 * ms at 10,000 runs, more on a busy machine; on SQLite well under 1 ms until another connection
 * writes, then the same), which then overlaps their loading. The page's first api.sweep
 * takes it; a move of the address before that drops it.
 */
let early = null;
const startedOn = SWEEP_ROUTE.exec(location.hash.split('?')[0]);
if (startedOn) {
  const [, id] = startedOn;
  const request = getJson(`/api/sweeps/${id}`);
  // Its failure is the page's to report, once it takes it.
  request.catch(() => {});
  early = { id, request };
  window.addEventListener('hashchange', () => (early = null), { once: true });
}

export const api = {
  sweeps: () => getJson('/api/sweeps'),
  /** The sweep without its runs: name, varying params and values, metrics, status counts, tags. */
  sweep: async (id) => {
    const request = early?.id === id ? early.request : getJson(`/api/sweeps/${id}`);
    early = null;
    const sweep = await request;
    versions.set(id, sweep.version);
    return sweep;
  },
  /** One page of the runs table: { total, matched, offset, runs }; query: offset, limit, sort, order, q, tag, ranges. */
  runPage: (id, query) => getJson(sweepPath(id, '/runs', query)),
  /** Those runs of the sweep; with ranges (the brushes, as runPage takes them) only those within. */
  sweepRunsById: (id, runIds, ranges) =>
    getJson(sweepPath(id, '/runs', { ids: runIds.join(','), ...(ranges ? { ranges } : {}) })),
  run: (id) => getJson(`/api/runs/${encodeURIComponent(id)}`),
  layers: (id) => getJson(`/api/runs/${encodeURIComponent(id)}/layers`),
  series: (runIds, points = 500) =>
    runIds.length
      ? getJson(`/api/series?runs=${runIds.map(encodeURIComponent).join(',')}&points=${points}`)
      : Promise.resolve({ series: {} }),
  groups: (id, by, metric) => getJson(sweepPath(id, '/groups', { by: by.join(','), metric })),
  ablation: (id, query) => getJson(sweepPath(id, '/ablation', query)),
  depth: (id, query) => getJson(sweepPath(id, '/depth', query)),
  importance: (id, query) => getJson(sweepPath(id, '/importance', query)),
  parallel: (id, query) => getJson(sweepPath(id, '/parallel', query)),
};

/**
 * Calls onChange whenever the server sees the results change (for one sweep, or anything when
 * sweepId is null), and onOpen whenever the stream is (re)connected. The server compares against
 * the state it saw when the stream opened, so after a reconnect onChange runs once too: what was
 * written while disconnected shows at once. EventSource reconnects by itself. Returns the
 * unsubscribe function; pages follow changes through layout.followChanges.
 */
export function subscribe(sweepId, onChange, onOpen) {
  const source = new EventSource(
    sweepId === null ? '/api/events' : `/api/events?sweep=${encodeURIComponent(sweepId)}`,
  );
  let reconnect = false;
  source.addEventListener('change', () => onChange());
  source.addEventListener('open', () => {
    if (reconnect) onChange();
    reconnect = true;
    onOpen();
  });
  return () => source.close();
}
