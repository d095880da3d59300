// The single-page app: hash routes to pages. Each page renders into a container of its own and
// returns a cleanup function (closing its event stream, destroying its charts) called when the
// route changes. A page still loading when the route changes renders into its detached container
// and is cleaned up as soon as it returns, so it can neither overwrite the new page nor leak.
import { ApiError, SWEEP_ROUTE } from './api.js';
import { h, notice, replaceChildren } from './dom.js';
import { setCrumbs, setLive } from './layout.js';
import { renderSweeps } from './pages/sweeps.js';
import { renderSweep } from './pages/sweep.js';
import { renderRun } from './pages/run.js';
import { renderCompare } from './pages/compare.js';
import { renderDigit } from './pages/digit.js';

const routes = [
  [/^#?\/?$/, renderSweeps],
  [SWEEP_ROUTE, renderSweep],
  [/^#\/run\/([\w-]+)$/, renderRun],
  [/^#\/compare\/([\w-]+)\/([\w-]+)$/, renderCompare],
  [/^#\/digit\/(\d+)(?:\/([\w-]+))?$/, renderDigit],
];

const main = document.getElementById('main');
const backToSweeps = () => h('a', { href: '#/' }, 'Go to the list of sweeps.');
let current = { container: null, cleanup: () => {} };

/** What to tell a person whose page failed: an unknown id is a stale link, not a broken dashboard. */
function failure(error) {
  if (error instanceof ApiError && error.status === 404)
    return notice(
      'error',
      `Not found: ${error.message}.`,
      'The link may be stale, or the dashboard may be reading another results database (--db). ',
      backToSweeps(),
    );
  return notice('error', 'This page could not be loaded.', `${error.message}. `, backToSweeps());
}

async function route() {
  current.cleanup();
  const container = h('div');
  current = { container, cleanup: () => {} };
  replaceChildren(main, container);
  setCrumbs(container);
  setLive(container, '');
  const hash = location.hash.split('?')[0];
  const match = routes.find(([pattern]) => pattern.test(hash));
  if (!match) {
    replaceChildren(container, notice('error', 'No such page.', backToSweeps()));
    return;
  }
  const [pattern, render] = match;
  // An optional part left out (#/digit/1) is undefined, not "undefined".
  const args = hash
    .match(pattern)
    .slice(1)
    .map((arg) => (arg === undefined ? undefined : decodeURIComponent(arg)));
  try {
    const cleanup = (await render(container, ...args)) ?? (() => {});
    if (current.container === container) current.cleanup = cleanup;
    else cleanup();
  } catch (error) {
    if (current.container === container) replaceChildren(container, failure(error));
  }
}

window.addEventListener('hashchange', route);
route();
