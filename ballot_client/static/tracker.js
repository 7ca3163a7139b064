/**
 * Check a receipt: is a ballot with this tracker code in the round's ballot box?
 * `/t#r=ROUND&c=CODE` fills the form and checks at once (the receipt screen links here).
 * The answer says only "in the box" or "not found" — a cast ballot's tracker never reveals a
 * vote. An audited ballot (opened by its voter, never counted) shows what it encrypted.
 */

import '/static/served.js';
import { verifyAuditedBallot } from '/js/index.mjs';
import { optionText } from '/js/kindwords.mjs';
import {
  getLang, initI18n, mountLanguageSwitch, onLangChange, optionWords, t,
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
  } else if (kind === 'audited' || kind === 'auditBad') {
    notice.className = kind === 'audited' ? 'notice wait' : 'notice error';
    notice.dataset.audited = 'true';
    title.textContent = t(kind === 'audited' ? 'tracker.audited' : 'tracker.auditBad', { code: grouped(code), r: round });
    notice.append(title);
    if (kind === 'audited') {
      const list = document.createElement('ul');
      for (const { name, choice } of lastResult.choices) {
        const item = document.createElement('li');
        item.dataset.testid = 'tracker-audited-choice';
        // a confidence or yes/no answer in its words; a level as its code and words
        const words = choice.map((o) => optionText(o, getLang())
          ?? (optionWords(o) === o ? o : `${o} — ${optionWords(o)}`));
        item.textContent = `${name}: ${words.length ? words.join('; ') : t('level.blank')}`;
        list.append(item);
      }
      notice.append(list);
    }
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

/**
 * An audited ballot: this page checks the opening itself with the crypto core and lists the
 * choices it opens to (what the phone really encrypted). It is served by the meeting's laptop;
 * the independent check is `phieukin verify record.zip --tracker CODE` on another computer.
 */
async function openAudited(code, round, data) {
  try {
    const answer = await fetch(`/api/rounds/${round}/election`, { cache: 'no-store' });
    const { manifest, election } = await answer.json();
    const opened = verifyAuditedBallot({ audited: data.ballot, manifest, election });
    if (opened.tracker !== data.tracker) throw new Error('tracker');
    const choices = manifest.questions.map((question, q) => ({
      name: question.title || question.id,
      choice: opened.selected[q].map((i) => (question.option_titles ?? question.options)[i]),
    }));
    return { kind: 'audited', code, round, tracker: data.tracker, choices };
  } catch {
    return { kind: 'auditBad', code, round, tracker: data.tracker };
  }
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
    if (response.ok && data.found && data.audited) lastResult = await openAudited(code, round, data);
    else if (response.ok && data.found) lastResult = { kind: 'found', code, round, tracker: data.tracker };
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
