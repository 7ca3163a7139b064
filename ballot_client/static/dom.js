/**
 * Building DOM nodes without HTML strings (no innerHTML anywhere: the CSP and safety want
 * text to stay text). Shared by every page.
 */

/**
 * An element with attributes and children. Attribute keys: `class`, `text` (textContent),
 * `testid` (data-testid), anything else as an attribute (true → present, false/null → absent).
 */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') node.className = value;
    else if (name === 'text') node.textContent = value;
    else if (name === 'testid') node.dataset.testid = value;
    else node.setAttribute(name, value === true ? '' : value);
  }
  node.append(...children.filter((c) => c !== undefined && c !== null));
  return node;
}

/** An element holding `text`, with an optional class. */
export function textEl(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = text;
  if (className) node.className = className;
  return node;
}

/**
 * Feedback next to the action that caused it: the `.feedback` line (role="status") right after
 * `anchor` (a form or a button), made on first use, filled with `text`; `error` marks a failure.
 */
export function feedback(anchor, text, error = false) {
  let line = anchor.nextElementSibling;
  if (!line?.classList.contains('feedback')) {
    line = el('p', { class: 'feedback', role: 'status', testid: 'feedback' });
    anchor.after(line);
  }
  line.textContent = text;
  line.classList.toggle('error', error);
  line.hidden = !text;
  return line;
}
