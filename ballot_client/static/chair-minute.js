// The chair's "Kết quả / Biên bản" section: the results of the counted round, making the minute,
// who of the committee has signed it, and the PDF. A module of its own next to chair.js; it shares
// only the session (chair-session.js: the cookie and the session's CSRF token) and the language.

import { chairLang, translator } from '/static/chair-text.js';
import { chairFetch } from '/static/chair-session.js';
import { textEl } from '/static/dom.js';
import { fetchResults, renderResults } from '/static/results.js';

const TEXT = {
  vi: {
    waiting: 'Kết quả hiện ở đây khi Ban kiểm phiếu đã giải mã xong.',
    made: 'Đã lập và ký số biên bản.',
    none: 'Chưa lập biên bản.',
    digest: 'Dấu vân tay biên bản: ',
    server: 'Máy chủ đã ký số.',
    signed: 'đã ký', unsigned: 'chưa ký',
    member: (c) => `${c.index}. ${c.name}${c.role === 'head' ? ' (Trưởng ban)' : ''}: `,
    count: (n, total) => `Ban kiểm phiếu đã ký: ${n}/${total}`,
  },
  en: {
    waiting: 'The results appear here once the committee has decrypted the count.',
    made: 'The minute is made and signed.',
    none: 'No minute yet.',
    digest: 'Minute fingerprint: ',
    server: 'Signed by the server.',
    signed: 'signed', unsigned: 'not signed',
    member: (c) => `${c.index}. ${c.name}${c.role === 'head' ? ' (head)' : ''}: `,
    count: (n, total) => `Committee signatures: ${n}/${total}`,
  },
};
const $ = (id) => document.getElementById(id);
const lang = chairLang;
const t = translator(TEXT);
let status = null;
let results = null;


function say(message, isError = false) {
  const box = $('minute-message');
  box.textContent = message;
  box.classList.toggle('error', isError);
}

async function renderMinute() {
  const response = await fetch('/api/minute', { cache: 'no-store' });
  const box = $('minute-status');
  const counted = status?.phase === 'counted';
  $('make-minute').disabled = !counted;
  $('minute-pdf').hidden = !response.ok;
  if (!response.ok) {
    box.replaceChildren(textEl('p', t('none')));
    return;
  }
  const document_ = await response.json();
  const signed = new Set(document_.signatures.map((s) => s.trustee));
  const committee = document_.minute.committee;
  const digest = textEl('p', t('digest'));
  digest.append(textEl('code', document_.digest, 'digest'));
  const list = textEl('ul');
  list.setAttribute('data-testid', 'minute-signatures');
  for (const member of committee) {
    const item = textEl('li', t('member', member));
    item.append(textEl('strong', signed.has(member.index) ? t('signed') : t('unsigned')));
    item.dataset.signed = String(signed.has(member.index));
    list.append(item);
  }
  box.replaceChildren(digest, textEl('p', t('server')),
    textEl('p', t('count', signed.size, committee.length)), list);
}

async function refresh() {
  try {
    status = await (await fetch('/api/status', { cache: 'no-store' })).json();
  } catch {
    return;
  }
  const box = $('results-box');
  if (status.phase === 'counted' && status.round) {
    if (!results || results.round !== status.round) results = await fetchResults(status.round);
    if (results) renderResults(box, results, { lang: lang() });
  } else {
    box.replaceChildren(textEl('p', t('waiting')));
  }
  await renderMinute();
}

async function makeMinute() {
  const response = await chairFetch('/api/chair/minute', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ number: $('minute-number').value.trim() }),
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) {
    say((lang() === 'en' ? answer.message_en : answer.message) || `HTTP ${response.status}`, true);
    return;
  }
  say(t('made'));
  await renderMinute();
}

$('make-minute').addEventListener('click', () => { makeMinute(); });
$('lang').addEventListener('click', () => { setTimeout(refresh, 0); });
if (window.EventSource) new EventSource('/api/stream').onmessage = () => { refresh(); };
refresh();
