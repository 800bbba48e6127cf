// Building the page from data without ever parsing data as HTML: every string goes in as a text node or an
// attribute value (setAttribute), so a formula, a warning or a file's content cannot inject markup.

/**
 * An element: `h('a', { href: '#/x', class: 'link', onclick: fn }, 'text', child)`.
 * Attributes whose value is null, undefined or false are left out; `on…` attributes are event listeners.
 */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

/** Appends children: nodes as they are, strings and numbers as text, arrays flattened, null/undefined/false skipped. */
export function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

/** Replaces an element's content. */
export function replace(element, ...children) {
  element.replaceChildren();
  return append(element, children);
}

/** A number with `digits` decimals, or an em dash for null. */
export function fixed(value, digits) {
  return value === null || value === undefined || Number.isNaN(value) ? '—' : Number(value).toFixed(digits);
}

/** A status line (`kind`: '' or 'error'). */
export function statusLine(text, kind = '') {
  return h('p', { class: `status ${kind}`.trim(), role: kind === 'error' ? 'alert' : 'status' }, text);
}

/**
 * A drop zone with a file chooser: calls `onFile(file)` for a dropped or chosen file.
 * `id` is given to the hidden-in-plain-sight <input type=file> (tests and keyboard users choose with it).
 */
export function dropZone({ id, prompt, accept, onFile }) {
  const input = h('input', { type: 'file', id, accept });
  input.addEventListener('change', () => {
    if (input.files && input.files[0]) onFile(input.files[0]);
  });
  const zone = h('div', { class: 'dropzone', tabindex: '0', role: 'button', 'aria-label': prompt }, h('p', {}, prompt), h('p', {}, input));
  zone.addEventListener('dragover', (event) => {
    event.preventDefault();
    zone.classList.add('dragging');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('dragging'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('dragging');
    const file = event.dataTransfer && event.dataTransfer.files[0];
    if (file) onFile(file);
  });
  zone.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' || event.key === ' ') input.click();
  });
  return zone;
}
