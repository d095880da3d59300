// The page frame outside a page's own container: breadcrumbs and the live indicator in the header.
// Each takes the page's container and does nothing once it has left the document, so a page the
// person has already navigated away from cannot relabel the header of the next one.
import { subscribe } from './api.js';
import { h, replaceChildren } from './dom.js';

/** Breadcrumb links after "Ablate", e.g. [['#/sweep/1', 'mnist']]; a null href is plain text. */
export function setCrumbs(page, ...links) {
  if (!page.isConnected) return;
  replaceChildren(
    document.getElementById('crumbs'),
    links.map(([href, text]) => [
      h('span', { 'aria-hidden': 'true' }, ' / '),
      href ? h('a', { href }, text) : h('span', {}, text),
    ]),
  );
}

/** The header's live indicator: whether the page follows the results, and when it last changed. */
export function setLive(page, text) {
  if (page.isConnected) document.getElementById('live').textContent = text;
}

/**
 * Calls reload whenever the results change (one sweep's, or any when sweepId is null) and says
 * how that went in the live indicator, which reads "live" once the page is really following.
 * Returns the unsubscribe function.
 */
export function followChanges(page, sweepId, reload) {
  setLive(page, 'connecting…');
  return subscribe(
    sweepId,
    () =>
      reload().then(
        () => setLive(page, `live · updated ${new Date().toLocaleTimeString()}`),
        (error) => setLive(page, `live update failed: ${error.message}`),
      ),
    () => setLive(page, 'live'),
  );
}
