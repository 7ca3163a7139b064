// The chair's "Kết quả / Biên bản" section: the results of the counted round, making the minute,
// who of the committee has signed it, and the PDF. A module of its own next to chair.js; it shares
// only the session (chair-session.js: the cookie and the session's CSRF token) and the language.

import { chairApi } from '/static/chair-session.js';
import { apiData } from '/static/api.js';
import { getLang, onLangChange, t } from '/static/i18n.js';
import { feedback, textEl } from '/static/dom.js';
import { fetchResults, renderResults } from '/static/results.js';

const $ = (id) => document.getElementById(id);
let status = null;
let results = null;


function say(message, isError = false) {
  feedback($('make-minute'), message, isError);
}

async function renderMinute() {
  const box = $('minute-status');
  const counted = status?.phase === 'counted';
  $('make-minute').disabled = !counted;
  let document_ = null;
  try {
    document_ = await apiData('/api/minute');
  } catch {
    document_ = null; // none yet (404), or the next refresh shows it
  }
  $('minute-pdf').hidden = !document_;
  if (!document_) {
    box.replaceChildren(textEl('p', t('chair.mn.none')));
    return;
  }
  const signed = new Set(document_.signatures.map((s) => s.trustee));
  const committee = document_.minute.committee;
  const digest = textEl('p', t('chair.mn.digest'));
  digest.append(textEl('code', document_.digest, 'digest'));
  const list = textEl('ul');
  list.setAttribute('data-testid', 'minute-signatures');
  for (const member of committee) {
    const item = textEl('li', t('chair.mn.member', member));
    item.append(textEl('strong', signed.has(member.index) ? t('chair.mn.signed') : t('chair.mn.unsigned')));
    item.dataset.signed = String(signed.has(member.index));
    list.append(item);
  }
  box.replaceChildren(digest, textEl('p', t('chair.mn.server')),
    textEl('p', t('chair.mn.count', signed.size, committee.length)), list);
}

async function refresh() {
  try {
    status = await apiData('/api/status');
  } catch {
    return;
  }
  const box = $('results-box');
  if (status.phase === 'counted' && status.round) {
    if (!results || results.round !== status.round) results = await fetchResults(status.round);
    if (results) renderResults(box, results, { lang: getLang() });
  } else {
    box.replaceChildren(textEl('p', t('chair.mn.waiting')));
  }
  await renderMinute();
}

async function makeMinute() {
  try {
    await chairApi('/api/chair/minute', { method: 'POST', body: { number: $('minute-number').value.trim() } });
  } catch (error) {
    say(error.text?.() ?? String(error), true);
    return;
  }
  say(t('chair.mn.made'));
  await renderMinute();
}

$('make-minute').addEventListener('click', () => { makeMinute(); });
onLangChange(() => { refresh(); });
if (window.EventSource) new EventSource('/api/stream').onmessage = () => { refresh(); };
refresh();
