// Writing HTML as text for the offline report: everything from the database is escaped here, so a
// name, a tag or a note can never inject markup; scripts and JSON are inlined so they cannot end
// the <script> element that holds them.

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ENTITIES[c]);

/** An element: attribute values and string children escaped; Html children (already markup) kept. */
export function el(
  tag: string,
  attributes: Record<string, string | number | null | undefined>,
  ...children: Array<Html | string | null | undefined | Array<Html | string | null | undefined>>
): Html {
  const attrs = Object.entries(attributes)
    .filter(([, value]) => value !== null && value !== undefined)
    .map(([name, value]) => ` ${name}="${escapeHtml(String(value))}"`)
    .join('');
  return new Html(`<${tag}${attrs}>${markup(children)}</${tag}>`);
}

/** Markup already made (by el, or trusted text of this module's own). */
export class Html {
  constructor(readonly text: string) {}
}

export function markup(
  children: Array<Html | string | null | undefined | Array<Html | string | null | undefined>>,
): string {
  return children
    .flat()
    .map((child) => (child instanceof Html ? child.text : child == null ? '' : escapeHtml(child)))
    .join('');
}

/** A table: a header row and rows of cells (a cell a string, Html, or {text, className, style}). */
export type Cell = string | Html | { text: string | Html; className?: string; style?: string };

export function table(className: string, header: string[], rows: Cell[][], numeric: number[] = []): Html {
  const cell = (tag: 'td' | 'th', value: Cell, i: number) => {
    const {
      text,
      className: cls,
      style,
    } = typeof value === 'string' || value instanceof Html
      ? { text: value, className: undefined, style: undefined }
      : value;
    const classes = [numeric.includes(i) ? 'num' : null, cls].filter(Boolean).join(' ') || null;
    return el(tag, { class: classes, style }, text);
  };
  return el(
    'table',
    { class: className },
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        header.map((title, i) => cell('th', title, i)),
      ),
    ),
    el(
      'tbody',
      {},
      rows.map((row) =>
        el(
          'tr',
          {},
          row.map((value, i) => cell('td', value, i)),
        ),
      ),
    ),
  );
}

/** JSON for a <script type="application/json">: "<" escaped, so no "</script>" can occur in it. */
export const inlineJson = (value: unknown): string => JSON.stringify(value).replace(/</g, '\\u003c');

/** A script's text for a <script> element; refused if it could end the element early. */
export function inlineScript(code: string): string {
  if (/<\/script|<!--/i.test(code)) throw new Error('a script to inline contains </script or <!--');
  return code;
}
