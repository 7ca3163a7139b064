/**
 * The fingerprint of the served code, shown at the foot of every page.
 *
 * `GET /api/bundle` gives the fingerprint the server computed over every page and script it
 * serves. Anyone can compare it with what `phieukin check-served URL` prints from their own
 * copy. It is the server's own statement: a server modified on purpose can show the expected
 * code and still serve other scripts to some phones — what catches that is the audit on the
 * phone and `phieukin check-served` (docs/SECURITY.md). Importing this module is enough.
 */

import { onLangChange, t } from '/static/i18n.js';

let code = null;
let node = null;

function render() {
  if (!node || !code) return;
  node.textContent = t('served.code', { code });
  node.title = t('served.help');
}

async function show() {
  try {
    const response = await fetch('/api/bundle', { cache: 'no-store', credentials: 'omit' });
    if (!response.ok) return;
    code = (await response.json()).code;
  } catch {
    return; // offline: nothing to show
  }
  if (typeof code !== 'string' || !/^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/.test(code)) return;
  const style = document.createElement('link');
  style.rel = 'stylesheet';
  style.href = '/static/served.css';
  document.head.append(style);
  node = document.createElement('p');
  node.className = 'served-code no-print';
  node.dataset.testid = 'served-code';
  render();
  document.body.append(node);
}

onLangChange(render);
show();
