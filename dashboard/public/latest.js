// Latest request wins. A view asks the server again whenever a control moves or the results change,
// and the answers can come back in any order: drawn as they come, an older answer arriving last
// would leave the view showing what its controls no longer say (the second run list's names over
// the first list's curves). Every view that fetches asks through one of these.

/**
 * Returns newRequest(): call it as a request starts; it returns isLatest(), which says, once the
 * answer is in, whether a newer request has started since (then the answer is dropped).
 */
export function latestRequest() {
  let latest = 0;
  return () => {
    const request = ++latest;
    return () => request === latest;
  };
}
