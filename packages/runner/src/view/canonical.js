// One value, one text: JSON with object keys sorted at every depth, so that {name: normal, std: 0.1}
// and {std: 0.1, name: normal} are the same setting wherever settings are compared as text. Plain
// JavaScript, shared with the browser like the rest of view/.

/** JSON with object keys sorted at every depth (undefined members dropped, as JSON does). */
export function canonicalJson(value) {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
