// The runs table: sorted and filtered on the server, fetched a block of rows at a time, and
// virtualized (only the rows in view, plus a margin, are in the DOM), so a 10,000-run sweep scrolls,
// sorts and filters as fast as a 10-run one. Rows are selected by mouse or keyboard (Enter/Space).
import { h, replaceChildren } from './dom.js';
import { latestRequest } from './latest.js';

/** Every row is one line of this height (CSS: table.runs tbody tr), so a scroll offset is a row index. */
const ROW_HEIGHT = 30;
/** Rows fetched per request, and rows rendered beyond the viewport on each side. */
const BLOCK = 100;
const MARGIN = 20;

/**
 * columns: [{ key, title, tooltip, value(row) -> text, cell(row) -> node|string, numeric, sortable }]
 * options: { fetchPage({ offset, limit, sort, order, q, ... }) -> { matched, total, runs }, query()
 * -> the filters the table does not own (tag, ranges), rowKey(row), selected: Set,
 * onSelect(selectedSet), onQuery(state) after a sort or filter change, filterPlaceholder, caption,
 * tools, empty } (empty: what to say when there are no rows at all)
 */
export class RunTable {
  #blocks = new Map();
  /** A reload is a new query: blocks asked for under an older one are dropped when they come. */
  #newQuery = latestRequest();
  #isCurrent = () => true;
  #matched = 0;
  #total = 0;

  constructor(columns, options, { sort = null, descending = false, filter = '' } = {}) {
    this.columns = columns;
    this.options = options;
    this.sort = { key: sort, descending };
    this.filter = filter;
    this.filterInput = h('input', {
      type: 'search',
      value: filter,
      placeholder: options.filterPlaceholder ?? 'filter',
      'aria-label': 'Filter rows',
      oninput: (event) => {
        this.filter = event.target.value.trim();
        this.reload();
        options.onQuery?.();
      },
    });
    this.count = h('span', { className: 'hint count', 'aria-live': 'polite' });
    this.body = h('tbody');
    this.head = h('thead');
    this.scroller = h(
      'div',
      { className: 'scroll', onscroll: () => this.#render() },
      h(
        'table',
        { className: 'runs' },
        h('caption', { className: 'sr-only' }, options.caption ?? ''),
        this.head,
        this.body,
      ),
    );
    this.element = h(
      'div',
      { className: 'table-wrap' },
      h('div', { className: 'table-tools' }, this.filterInput, this.count, options.tools ?? null),
      this.scroller,
    );
  }

  /** The query the server pages: sort, text filter and the caller's own filters. */
  query() {
    return {
      ...(this.sort.key ? { sort: this.sort.key, order: this.sort.descending ? 'desc' : 'asc' } : {}),
      ...(this.filter ? { q: this.filter } : {}),
      ...this.options.query(),
    };
  }

  /** Drops every fetched row and fetches what is in view again (after a filter, sort or data change). */
  async reload() {
    this.#isCurrent = this.#newQuery();
    this.#blocks = new Map();
    this.#renderHead();
    await this.#fetchBlock(Math.floor(this.#firstVisible() / BLOCK));
    this.#render();
  }

  #firstVisible() {
    return Math.max(0, Math.floor(this.scroller.scrollTop / ROW_HEIGHT) - MARGIN);
  }

  /** Fetches one block unless it is there or on its way; a reply to an older query is dropped. */
  #fetchBlock(index) {
    if (this.#blocks.has(index)) return this.#blocks.get(index).pending;
    const isCurrent = this.#isCurrent;
    const block = { rows: null };
    block.pending = this.options
      .fetchPage({ ...this.query(), offset: index * BLOCK, limit: BLOCK })
      .then((page) => {
        if (!isCurrent()) return;
        block.rows = page.runs;
        this.#matched = page.matched;
        this.#total = page.total;
      });
    this.#blocks.set(index, block);
    block.pending.catch(() => this.#blocks.get(index) === block && this.#blocks.delete(index));
    return block.pending;
  }

  #renderHead() {
    replaceChildren(
      this.head,
      h(
        'tr',
        {},
        this.columns.map((column) => {
          const active = this.sort.key === column.key;
          const direction = active ? (this.sort.descending ? 'descending' : 'ascending') : 'none';
          const title = [column.title, active ? (this.sort.descending ? ' ▼' : ' ▲') : ''];
          return h(
            'th',
            {
              scope: 'col',
              'aria-sort': direction,
              className: column.numeric ? 'num' : '',
              title: column.tooltip,
            },
            column.sortable === false
              ? title
              : h(
                  'button',
                  { type: 'button', className: 'sort', onclick: () => this.#sortBy(column.key) },
                  title,
                ),
          );
        }),
      ),
    );
  }

  #sortBy(key) {
    this.sort = { key, descending: this.sort.key === key ? !this.sort.descending : false };
    this.reload();
    this.options.onQuery?.();
  }

  /** The rows in view from the fetched blocks; fetches the blocks they need and renders again. */
  #render() {
    const first = this.#firstVisible();
    const last = Math.min(
      this.#matched,
      first + Math.ceil(this.scroller.clientHeight / ROW_HEIGHT) + 2 * MARGIN,
    );
    const missing = [];
    for (let block = Math.floor(first / BLOCK); block * BLOCK < last; block++)
      if (!this.#blocks.get(block)?.rows) missing.push(block);
    if (missing.length) {
      const isCurrent = this.#isCurrent;
      Promise.all(missing.map((block) => this.#fetchBlock(block))).then(
        () => isCurrent() && this.#render(),
        () => {},
      );
    }
    const rows = [];
    for (let i = first; i < last; i++)
      rows.push(this.#blocks.get(Math.floor(i / BLOCK))?.rows?.[i % BLOCK] ?? null);
    this.count.textContent =
      this.#matched === this.#total ? `${this.#total} runs` : `${this.#matched} of ${this.#total} runs match`;
    const spacer = (count) =>
      count > 0
        ? h('tr', {
            className: 'spacer',
            'aria-hidden': 'true',
            style: { height: `${count * ROW_HEIGHT}px` },
          })
        : null;
    replaceChildren(
      this.body,
      this.#matched
        ? [
            spacer(first),
            rows.map((row) =>
              row
                ? this.#row(row)
                : h('tr', { className: 'loading' }, h('td', { colspan: this.columns.length }, '…')),
            ),
            spacer(this.#matched - last),
          ]
        : h(
            'tr',
            {},
            h(
              'td',
              { colspan: this.columns.length, className: 'empty' },
              this.#total
                ? 'No rows match the filter: clear it to see them all.'
                : (this.options.empty ?? 'Nothing here yet.'),
            ),
          ),
    );
  }

  #row(row) {
    const key = this.options.rowKey(row);
    const toggle = () => this.#toggle(key);
    return h(
      'tr',
      {
        tabindex: 0,
        'aria-selected': this.options.selected.has(key) ? 'true' : 'false',
        'data-key': key,
        onclick: (event) => event.target.closest('a') || toggle(),
        onkeydown: (event) => {
          if ((event.key === 'Enter' || event.key === ' ') && event.target.tagName === 'TR') {
            event.preventDefault();
            toggle();
          }
        },
      },
      this.columns.map((column) =>
        h(
          'td',
          { className: column.numeric ? 'num' : '' },
          column.cell ? column.cell(row) : String(column.value(row) ?? '–'),
        ),
      ),
    );
  }

  #toggle(key) {
    const { selected } = this.options;
    if (selected.has(key)) selected.delete(key);
    else selected.add(key);
    const row = this.body.querySelector(`tr[data-key="${CSS.escape(key)}"]`);
    row?.setAttribute('aria-selected', selected.has(key) ? 'true' : 'false');
    this.options.onSelect(selected);
  }
}
