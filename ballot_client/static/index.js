/**
 * The landing page: what Phiếu Kín is, the pages for each role, and a field to type a voting
 * code by hand. The code is normalized here and opened as `/v#t=…` — in the URL fragment, so it
 * never reaches the server in a URL (a GET form would put it in the query string and the logs).
 */

import '/static/served.js';
import { normalizeToken } from '/js/index.mjs';
import {
  initI18n, mountLanguageSwitch, onLangChange, t,
} from '/static/i18n.js';

const $ = (id) => document.getElementById(id);

function setProblem(problem) {
  const message = $('token-error');
  message.hidden = !problem;
  message.textContent = problem ? `⚠ ${problem}` : '';
  if (problem) $('token').setAttribute('aria-invalid', 'true');
  else $('token').removeAttribute('aria-invalid');
}

$('token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  let token;
  try {
    token = normalizeToken($('token').value);
  } catch {
    setProblem(t('entry.invalid'));
    $('token').focus();
    return;
  }
  setProblem(null);
  location.assign(`/v#t=${token}`);
});

async function showMeeting() {
  try {
    const response = await fetch('/api/status', { cache: 'no-store' });
    if (!response.ok) return;
    const { meeting } = await response.json();
    const text = [meeting?.title, meeting?.cell].filter(Boolean).join(' · ');
    $('home-meeting').textContent = text;
    $('home-meeting').hidden = !text;
  } catch {
    /* offline or not set up yet: the page still works */
  }
}

onLangChange(() => {
  if (!$('token-error').hidden) setProblem(t('entry.invalid'));
});

initI18n();
mountLanguageSwitch($('lang'));
showMeeting();
