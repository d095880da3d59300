// A page's view state in the address: the part of the hash after "?" (#/sweep/1?metric=val_acc&by=...),
// so a reload restores the view and a copied link shares it. Writes replace the history entry
// (history.replaceState fires no hashchange), so moving a control neither re-renders the page nor
// fills the back button.

/**
 * Writes not yet in the address, for the route they were made on. history.replaceState costs about
 * 20 ms in Chromium (more on a busy machine) and a loading page's views each write theirs in the
 * same task, so the writes of a task go in at once, when it ends.
 */
let pending = null;

const routeOf = (hash) => hash.split('?')[0];

/** The view state of the current address, with the writes about to go in. */
export function viewState() {
  const hash = location.hash;
  if (pending?.route === routeOf(hash)) return new URLSearchParams(pending.state);
  return new URLSearchParams(hash.includes('?') ? hash.slice(hash.indexOf('?') + 1) : '');
}

/** Sets (or, for '', null and undefined, removes) keys of the view state in the address. */
export function setViewState(patch) {
  const state = viewState();
  for (const [key, value] of Object.entries(patch)) {
    if (value === '' || value === null || value === undefined) state.delete(key);
    else state.set(key, String(value));
  }
  if (!pending) queueMicrotask(writeViewState);
  pending = { route: routeOf(location.hash), state };
}

function writeViewState() {
  const { route, state } = pending;
  pending = null;
  // The page was left meanwhile: its view is not the new page's.
  if (routeOf(location.hash) !== route) return;
  const query = state.toString();
  const address = `${route}${query ? `?${query}` : ''}`;
  if (address !== location.hash) window.history.replaceState(window.history.state, '', address);
}
