// #/ : every sweep in the database, newest first.
import { api } from '../api.js';
import { h, notice, replaceChildren, section } from '../dom.js';
import * as format from '../format.js';
import { followChanges } from '../layout.js';

export async function renderSweeps(main) {
  // Ticked sweeps open side by side (#/sweep/1+2): their union, the sweep as one more param. The
  // ticks outlive the table: a live update redraws it, and must not untick what the user ticked.
  const picked = new Set();
  const load = async () => {
    const { sweeps, hint } = await api.sweeps();
    if (!sweeps.length) {
      replaceChildren(
        main,
        notice(
          'empty',
          'No sweeps yet.',
          'Run a sweep and it appears here as it trains: ',
          h('code', {}, hint.replace(/^no sweeps yet: run /, '')),
        ),
      );
      return;
    }
    // A sweep removed since (ablate rm) is no longer there to compare.
    const listed = new Set(sweeps.map((sweep) => sweep.id));
    for (const id of picked) if (!listed.has(id)) picked.delete(id);
    const compare = h(
      'button',
      {
        type: 'button',
        disabled: picked.size < 2,
        onclick: () => (location.hash = `#/sweep/${[...picked].join('+')}`),
      },
      'Compare the ticked sweeps',
    );
    const tick = (sweep) =>
      h('input', {
        type: 'checkbox',
        checked: picked.has(sweep.id),
        'aria-label': `compare #${sweep.id} ${sweep.name}`,
        onchange: (event) => {
          if (event.target.checked) picked.add(sweep.id);
          else picked.delete(sweep.id);
          compare.disabled = picked.size < 2;
        },
      });
    replaceChildren(
      main,
      section(
        'Sweeps',
        h(
          'p',
          { className: 'hint' },
          compare,
          ' Tick two or more (or versions of one) to see them side by side.',
        ),
        h(
          'table',
          { className: 'sweeps' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['', 'Sweep', 'Created', 'Runs', 'Status', 'Varying', 'Best run'].map((title) =>
                h('th', { scope: 'col' }, title),
              ),
            ),
          ),
          h(
            'tbody',
            {},
            sweeps.map((sweep) =>
              h(
                'tr',
                {},
                h('td', {}, tick(sweep)),
                h('td', {}, h('a', { href: `#/sweep/${sweep.id}` }, `#${sweep.id} ${sweep.name}`)),
                h('td', {}, format.date(sweep.createdAt)),
                h('td', { className: 'num' }, sweep.runCount),
                h('td', {}, format.statusCounts(sweep.statusCounts)),
                h('td', { className: 'wrap' }, sweep.varying.join(', ')),
                h(
                  'td',
                  { className: 'wrap' },
                  sweep.best
                    ? [
                        // By best val acc, or test acc in a sweep without a validation set.
                        `${format.percent(sweep.best.value)} ${format.metricName(sweep.best.metric)} `,
                        h('a', { href: `#/run/${sweep.best.runId}` }, sweep.best.label),
                      ]
                    : '–',
                ),
              ),
            ),
          ),
        ),
      ),
    );
  };
  await load();
  return followChanges(main, null, load);
}
