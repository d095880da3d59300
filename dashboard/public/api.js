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

export const api = {
  sweeps: () => getJson('/api/sweeps'),
  sweepRuns: (id) => getJson(`/api/sweeps/${id}/runs`),
  run: (id) => getJson(`/api/runs/${encodeURIComponent(id)}`),
  layers: (id) => getJson(`/api/runs/${encodeURIComponent(id)}/layers`),
  series: (runIds, points = 500) =>
    runIds.length
      ? getJson(`/api/series?runs=${runIds.map(encodeURIComponent).join(',')}&points=${points}`)
      : Promise.resolve({ series: {} }),
  groups: (id, by, metric) =>
    getJson(`/api/sweeps/${id}/groups?${new URLSearchParams({ by: by.join(','), metric })}`),
  ablation: (id, query) => getJson(`/api/sweeps/${id}/ablation?${new URLSearchParams(query)}`),
  depth: (id, query) => getJson(`/api/sweeps/${id}/depth?${new URLSearchParams(query)}`),
};

/**
 * Calls onChange whenever the server sees the results change (for one sweep, or anything when
 * sweepId is null), and onOpen whenever the stream is (re)connected. The server compares against
 * the state it saw when the stream opened, so after a reconnect onChange runs once too: what was
 * written while disconnected shows at once. EventSource reconnects by itself. Returns the
 * unsubscribe function; pages follow changes through layout.followChanges.
 */
export function subscribe(sweepId, onChange, onOpen) {
  const source = new EventSource(sweepId === null ? '/api/events' : `/api/events?sweep=${sweepId}`);
  let reconnect = false;
  source.addEventListener('change', () => onChange());
  source.addEventListener('open', () => {
    if (reconnect) onChange();
    reconnect = true;
    onOpen();
  });
  return () => source.close();
}
