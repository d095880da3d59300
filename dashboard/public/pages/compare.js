// #/compare/:a/:b : two runs' config diff (only what differs) and their curves together.
import { api } from '../api.js';
import { Charts } from '../charts.js';
import { h, replaceChildren, section, notice } from '../dom.js';
import * as format from '../format.js';
import { setCrumbs } from '../layout.js';
import { configDiff } from '/shared/diff.js';
import { decisionRungs, runCurves, storedRun } from '../sections/curves.js';

export async function renderCompare(main, idA, idB) {
  const [{ run: a, prune: pruneA }, { run: b, prune: pruneB }] = await Promise.all([
    api.run(idA),
    api.run(idB),
  ]);
  setCrumbs(main, [null, 'compare']);
  const diff = configDiff(a.config, b.config);
  const charts = new Charts();
  const curves = runCurves(charts, 'compare');
  const runLink = (run) => h('a', { href: `#/run/${run.id}` }, run.label);
  replaceChildren(
    main,
    h(
      'div',
      { className: 'page-head' },
      h('h1', {}, 'Compare two runs'),
      h('p', {}, 'A: ', runLink(a), ' · B: ', runLink(b)),
    ),
    section(
      'Config differences',
      diff.length
        ? h(
            'table',
            { className: 'config diff' },
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                ['path', 'A', 'B'].map((title) => h('th', { scope: 'col' }, title)),
              ),
            ),
            h(
              'tbody',
              {},
              diff.map((row) =>
                h(
                  'tr',
                  {},
                  h('th', { scope: 'row' }, row.path),
                  h('td', {}, format.param(row.a ?? '–')),
                  h('td', {}, format.param(row.b ?? '–')),
                ),
              ),
            ),
          )
        : notice('empty', 'The configs are identical.', 'Pick two runs that differ in the sweep table.'),
    ),
    section('Curves', curves.element),
  );
  // Legends name each run by its differing config values (A/B when they are the same config).
  const paramsOf = (side) => Object.fromEntries(diff.map((row) => [row.path, row[side]]));
  // Each ends in its mark (stopped early, pruned); a pruned one's threshold ticked at its rung.
  await curves.show(
    [storedRun(a, 'A', paramsOf('a')), storedRun(b, 'B', paramsOf('b'))],
    decisionRungs([pruneA, pruneB]),
  );
  return () => charts.destroyAll();
}
