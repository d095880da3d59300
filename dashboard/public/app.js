// The single-page app: hash routes to pages. Each page renders into <main> and returns a cleanup
// function (closing its event stream, destroying its charts) called when the route changes.
import { h, notice, replaceChildren } from './dom.js';
import { setCrumbs, setLive } from './layout.js';
import { renderSweeps } from './pages/sweeps.js';
import { renderSweep } from './pages/sweep.js';
import { renderRun } from './pages/run.js';
import { renderCompare } from './pages/compare.js';

const routes = [
  [/^#?\/?$/, () => renderSweeps],
  [/^#\/sweep\/(\d+)$/, () => renderSweep],
  [/^#\/run\/([\w-]+)$/, () => renderRun],
  [/^#\/compare\/([\w-]+)\/([\w-]+)$/, () => renderCompare],
];

const main = document.getElementById('main');
let cleanup = () => {};

async function route() {
  cleanup();
  cleanup = () => {};
  setCrumbs();
  setLive('');
  const hash = location.hash.split('?')[0];
  const match = routes.find(([pattern]) => pattern.test(hash));
  if (!match) {
    replaceChildren(
      main,
      notice('error', 'No such page.', h('a', { href: '#/' }, 'Go to the list of sweeps.')),
    );
    return;
  }
  const [pattern, page] = match;
  const args = hash.match(pattern).slice(1).map(decodeURIComponent);
  try {
    cleanup = (await page()(main, ...args)) ?? (() => {});
  } catch (error) {
    replaceChildren(
      main,
      notice(
        'error',
        'This page could not be loaded.',
        error.message,
        ' ',
        h('a', { href: '#/' }, 'Back to the sweeps.'),
      ),
    );
  }
}

window.addEventListener('hashchange', route);
route();
