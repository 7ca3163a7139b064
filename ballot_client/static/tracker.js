/**
 * Check a receipt: is a ballot with this tracker code in the round's ballot box?
 * `/t#r=ROUND&c=CODE` fills the form and checks at once (the receipt screen links here).
 * The answer says only "in the box" or "not found" — a tracker never reveals a vote.
 */

import {
  initI18n, mountLanguageSwitch, onLangChange, t,
} from '/static/i18n.js';

const $ = (id) => document.getElementById(id);
const CODE = /^[0-9A-Z]{16}$/;
let lastResult = null;

/** Crockford normalization, as for tokens: spaces and dashes dropped, O→0, I/L→1, upper case. */
function normalize(text) {
  return text.replace(/[\s-]/g, '').toUpperCase().replace(/O/g, '0').replace(/[IL]/g, '1');
}

const grouped = (code) => code.match(/.{1,4}/g).join('-');

function setProblem(problem) {
  const message = $('code-error');
  message.hidden = !problem;
  message.textContent = problem ? `⚠ ${problem}` : '';
  if (problem) $('code').setAttribute('aria-invalid', 'true');
  else $('code').removeAttribute('aria-invalid');
}

function render() {
  const box = $('tracker-result');
  box.replaceChildren();
  if (!lastResult) return;
  const { kind, code, round, tracker, message, reference } = lastResult;
  const notice = document.createElement('div');
  notice.dataset.testid = 'tracker-result';
  notice.dataset.found = String(kind === 'found');
  const title = document.createElement('strong');
  title.className = 'notice-title';
  if (kind === 'found') {
    notice.className = 'notice ok';
    title.textContent = t('tracker.found', { code: grouped(code), r: round });
    notice.append(title);
    const full = document.createElement('p');
    full.className = 'meta';
    full.textContent = t('tracker.full');
    const value = document.createElement('code');
    value.className = 'tracker-full';
    value.textContent = tracker;
    full.append(document.createElement('br'), value);
    notice.append(full);
  } else if (kind === 'missing') {
    notice.className = 'notice error';
    title.textContent = t('tracker.notFound', { code: grouped(code), r: round });
    notice.append(title);
  } else {
    notice.className = 'notice error';
    title.textContent = message;
    notice.append(title);
    if (reference) {
      const ref = document.createElement('p');
      ref.className = 'reference';
      ref.textContent = t('vote.reference', { ref: reference });
      notice.append(ref);
    }
  }
  box.append(notice);
}

async function check() {
  const code = normalize($('code').value);
  const round = Number($('round').value) || 1;
  if (!CODE.test(code)) {
    setProblem(t('tracker.invalid'));
    lastResult = null;
    render();
    $('code').focus();
    return;
  }
  setProblem(null);
  $('code').value = grouped(code);
  history.replaceState(null, '', `${location.pathname}#r=${round}&c=${grouped(code)}`);
  $('tracker-result').textContent = t('tracker.checking');
  try {
    const response = await fetch(`/api/rounds/${round}/trackers/${code}`, { cache: 'no-store' });
    const data = await response.json().catch(() => ({}));
    if (response.ok && data.found) lastResult = { kind: 'found', code, round, tracker: data.tracker };
    else if (response.status === 404) lastResult = { kind: 'missing', code, round };
    else lastResult = { kind: 'error', message: t('error.server'), reference: data.reference };
  } catch {
    lastResult = { kind: 'error', message: t('error.network') };
  }
  render();
}

$('tracker-form').addEventListener('submit', (event) => {
  event.preventDefault();
  check();
});

onLangChange(() => {
  render();
  if (!$('code-error').hidden) setProblem(t('tracker.invalid'));
});

initI18n();
mountLanguageSwitch($('lang'));
const params = new URLSearchParams(location.hash.replace(/^#/, ''));
if (/^\d{1,4}$/.test(params.get('r') ?? '')) $('round').value = params.get('r');
if (params.get('c')) {
  $('code').value = params.get('c');
  check();
}
