// The page frame outside <main>: breadcrumbs and the live indicator in the header.
import { h, replaceChildren } from './dom.js';

/** Breadcrumb links after "Ablate", e.g. [['#/sweep/1', 'mnist']]. */
export function setCrumbs(...links) {
  replaceChildren(
    document.getElementById('crumbs'),
    links.map(([href, text]) => [
      h('span', { 'aria-hidden': 'true' }, ' / '),
      href ? h('a', { href }, text) : h('span', {}, text),
    ]),
  );
}

/** The header's live indicator: what the page is showing and when it last changed. */
export function setLive(text) {
  document.getElementById('live').textContent = text;
}
