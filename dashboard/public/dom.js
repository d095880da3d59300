// Building DOM without innerHTML, so names from YAML files and the database can never inject markup.

/** h('a', { href: '#/' }, 'text', child): attributes, 'on*' listeners, children (strings, nodes, arrays, null). */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else if (name === 'className') element.className = value;
    else if (name === 'style' && typeof value === 'object') Object.assign(element.style, value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
}

export function replaceChildren(element, ...children) {
  element.replaceChildren();
  append(element, children);
}

/** A notice that says what happened and what to do next. */
export function notice(kind, title, ...next) {
  return h(
    'div',
    { className: `notice ${kind}`, role: kind === 'error' ? 'alert' : 'status' },
    h('strong', {}, title),
    h('p', {}, ...next),
  );
}

export function select(label, options, value, onChange) {
  const id = `select-${label.replace(/\W+/g, '-').toLowerCase()}-${Math.random().toString(36).slice(2, 7)}`;
  const element = h(
    'select',
    { id, onchange: (event) => onChange(event.target.value) },
    options.map((option) => {
      const [optionValue, text] = Array.isArray(option) ? option : [option, option];
      return h('option', { value: optionValue, selected: optionValue === value }, text);
    }),
  );
  return h('label', { className: 'control', for: id }, h('span', {}, label), element);
}

export function section(title, ...children) {
  return h('section', { className: 'card' }, h('h2', {}, title), ...children);
}
