// A page's view state in the address: the part of the hash after "?" (#/sweep/1?metric=val_acc&by=...),
// so a reload restores the view and a copied link shares it. Writes replace the history entry
// (history.replaceState fires no hashchange), so moving a control neither re-renders the page nor
// fills the back button.

/** The view state of the current address. */
export function viewState() {
  const hash = location.hash;
  return new URLSearchParams(hash.includes('?') ? hash.slice(hash.indexOf('?') + 1) : '');
}

/** Sets (or, for '', null and undefined, removes) keys of the view state in the address. */
export function setViewState(patch) {
  const state = viewState();
  for (const [key, value] of Object.entries(patch)) {
    if (value === '' || value === null || value === undefined) state.delete(key);
    else state.set(key, String(value));
  }
  const route = location.hash.split('?')[0];
  const query = state.toString();
  window.history.replaceState(window.history.state, '', `${route}${query ? `?${query}` : ''}`);
}
