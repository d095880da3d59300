// A sortable, filterable table whose rows can be selected by mouse or keyboard (Enter/Space).
import { h, replaceChildren } from './dom.js';

/**
 * columns: [{ key, title, tooltip, value(row) -> sortable value, cell(row) -> node|string, numeric }]
 * options: { rowKey(row), selected: Set, onSelect(selectedSet), filterPlaceholder, caption, tools, empty }
 * (empty: what to say when there are no rows at all)
 */
export class SelectableTable {
  #sort = { key: null, descending: false };
  #filter = '';

  constructor(columns, options) {
    this.columns = columns;
    this.options = options;
    this.rows = [];
    this.filterInput = h('input', {
      type: 'search',
      placeholder: options.filterPlaceholder ?? 'filter',
      'aria-label': 'Filter rows',
      oninput: (event) => {
        this.#filter = event.target.value.trim().toLowerCase();
        this.#renderBody();
      },
    });
    this.body = h('tbody');
    this.head = h('thead');
    this.element = h(
      'div',
      { className: 'table-wrap' },
      h('div', { className: 'table-tools' }, this.filterInput, options.tools ?? null),
      h(
        'div',
        { className: 'scroll' },
        h(
          'table',
          { className: 'runs' },
          h('caption', { className: 'sr-only' }, options.caption ?? ''),
          this.head,
          this.body,
        ),
      ),
    );
  }

  setRows(rows) {
    this.rows = rows;
    this.#renderHead();
    this.#renderBody();
  }

  #renderHead() {
    replaceChildren(
      this.head,
      h(
        'tr',
        {},
        this.columns.map((column) => {
          const active = this.#sort.key === column.key;
          const direction = active ? (this.#sort.descending ? 'descending' : 'ascending') : 'none';
          return h(
            'th',
            {
              scope: 'col',
              'aria-sort': direction,
              className: column.numeric ? 'num' : '',
              title: column.tooltip,
            },
            h(
              'button',
              { type: 'button', className: 'sort', onclick: () => this.#sortBy(column.key) },
              column.title,
              active ? (this.#sort.descending ? ' ▼' : ' ▲') : '',
            ),
          );
        }),
      ),
    );
  }

  #sortBy(key) {
    this.#sort = { key, descending: this.#sort.key === key ? !this.#sort.descending : false };
    this.#renderHead();
    this.#renderBody();
  }

  #visibleRows() {
    const text = (row) =>
      this.columns
        .map((column) => String(column.value(row) ?? ''))
        .join(' ')
        .toLowerCase();
    const rows = this.#filter ? this.rows.filter((row) => text(row).includes(this.#filter)) : [...this.rows];
    const column = this.columns.find((c) => c.key === this.#sort.key);
    if (column) {
      const sign = this.#sort.descending ? -1 : 1;
      rows.sort((a, b) => sign * compare(column.value(a), column.value(b)));
    }
    return rows;
  }

  #renderBody() {
    const { rowKey, selected } = this.options;
    const rows = this.#visibleRows();
    replaceChildren(
      this.body,
      rows.length
        ? rows.map((row) => {
            const key = rowKey(row);
            const toggle = () => this.#toggle(key);
            return h(
              'tr',
              {
                tabindex: 0,
                'aria-selected': selected.has(key) ? 'true' : 'false',
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
          })
        : h(
            'tr',
            {},
            h(
              'td',
              { colspan: this.columns.length, className: 'empty' },
              this.rows.length
                ? 'No rows match the filter: clear it to see them all.'
                : (this.options.empty ?? 'Nothing here yet.'),
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

/** Numbers by value, text in natural order ("run10" after "run9"), missing values after the rest (ascending). */
function compare(a, b) {
  if (a === b) return 0;
  if (a === null || a === undefined) return 1;
  if (b === null || b === undefined) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), undefined, { numeric: true });
}
