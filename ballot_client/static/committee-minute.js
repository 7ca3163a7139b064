/**
 * The committee page's minute view: what the member co-signs, in plain words (meeting, per round
 * and person the proposed level, the minute's fingerprint), and who has signed. The phone
 * recomputes the digest from the minute itself and refuses to sign when the server's differs,
 * when the minute names another signing key for this member, or gives this member's round
 * another election fingerprint than the signed log (minute.mjs, committee.mjs).
 */

import { el } from '/static/dom.js';
import {
  MinuteRefused, canonicalJson, checkMinute, hexToBytes, signMinute, signingKeyFromHex,
  verifySignature,
} from '/js/index.mjs';
import { renderStep, REASON_CODES } from '/js/rulewords.mjs';
import { outcomeText, votesText } from '/js/kindwords.mjs';
import { getLang, t } from '/static/i18n.js';

const $ = (id) => document.getElementById(id);
const view = { page: null, minute: null, expected: null, shown: null };

/** "3f2a9b1c 0d4e7a55 …": the whole digest in groups of eight, as minute.pdf prints it. */
function digestGroups(hex) {
  return String(hex).match(/.{1,8}/g)?.join(' ') ?? '';
}

/** {digest} of a minute this phone may sign, or {refused: MinuteRefused}. */
function judgeMinute(document_) {
  try {
    return checkMinute(document_, view.expected);
  } catch (error) {
    if (error instanceof MinuteRefused) return { refused: error };
    throw error;
  }
}

/**
 * The counted round: the minute to co-sign once the chair has made it (checked against what
 * this phone knows from the signed log), or the "counted" status before.
 * @param {object} page - the committee page's shared helpers and its client
 * @param {number} round - the round followed
 */
export async function showCounted(page, round) {
  view.page = page;
  let document_ = null;
  try {
    document_ = await page.api('/api/minute');
  } catch (error) {
    if (error?.status !== 404) throw error;
  }
  view.minute = document_;
  if (!document_) {
    page.showOnly('status');
    page.showStatus('cm.status.counted', 'ok');
    return;
  }
  view.expected = await page.client.minuteExpectations(round);
  renderMinute(document_);
}

/** Forget what the minute view was drawn from (a language switch redraws it). */
export function resetMinute() {
  view.shown = null;
  if (view.minute && view.page) renderMinute(view.minute);
}

function levelWords(subject) {
  if (subject.quota === 'tie') return t('cm.minute.tied');
  if (subject.status === 'pending') return t('cm.minute.pending');
  if (subject.level) return t(`level.${subject.level}`);
  return t(subject.status === 'not_rated' ? 'cm.minute.notRated' : 'cm.minute.unresolved');
}

/** A member of a round of the minute: the votes, the level, and the reasons rendered from the
 * rule steps (the words of the printed minute). */
function subjectItem(subject, names, kind = 'rating') {
  const other = !['rating', 'runoff'].includes(kind); // a confidence vote, yes/no, self-rating
  let votes = null;
  if (typeof subject.votes === 'number') votes = String(subject.votes);
  else if (other) votes = votesText(subject.votes, getLang());
  else if (subject.votes) votes = ['XS', 'TOT', 'HT', 'KHT'].map((level) => `${level} ${subject.votes[level] ?? 0}`).join(' · ');
  const codes = other ? ['confidence_low', 'approval', 'vote_level', 'unresolved'] : REASON_CODES;
  const notes = (subject.steps ?? [])
    .filter((step) => codes.includes(step.code) && step.rule !== 'quota.kept')
    .map((step) => renderStep(step, getLang(), names));
  return el('li', { class: 'cm-minute-person', 'data-level': subject.level ?? '' },
    el('span', { class: 'cm-minute-name', text: subject.name }),
    el('strong', { class: 'cm-minute-level', text: other ? outcomeText(kind, subject, getLang()) : levelWords(subject) }),
    el('span', { class: 'meta', text: [...(votes === null ? [] : [t('cm.minute.votes', { votes })]), ...notes].join(' — ') }));
}

function renderMinuteContent(minute, digest) {
  const meeting = minute.meeting ?? {};
  $('min-meeting').textContent = [meeting.title, meeting.cell].filter(Boolean).join(' · ');
  const hours = [meeting.start_time, meeting.end_time].filter(Boolean).join('–');
  $('min-when').textContent = [hours, meeting.date, meeting.locality, meeting.place].filter(Boolean).join(' · ');
  $('min-roll').textContent = t('cm.minute.rollText', {
    voters: minute.roll?.voters ?? '?', base: minute.roll?.base ?? '?',
  });
  const rounds = (minute.rounds ?? []).map((entry) => el('section', {
    class: 'cm-minute-round', 'aria-label': t('cm.minute.round', { n: entry.round }),
  },
  el('h3', { class: 'cm-subtitle', text: t('cm.minute.round', { n: entry.round }) }),
  el('p', { class: 'meta', text: t('cm.minute.ballots', { ballots: entry.ballots, voters: entry.voters }) }),
  el('ul', { class: 'cm-minute-people', testid: `minute-round-${entry.round}` },
    ...(entry.subjects ?? (entry.questions ?? []).flatMap((q) => q.candidates))
      .map((subject) => subjectItem(subject, minute.names, entry.kind)))));
  if (minute.proposal?.subjects?.length) {
    rounds.push(el('section', { class: 'cm-minute-round', 'aria-label': t('cm.minute.proposal') },
      el('h3', { class: 'cm-subtitle', text: t('cm.minute.proposal') }),
      el('ul', { class: 'cm-minute-people', testid: 'minute-proposal' },
        ...minute.proposal.subjects.map((subject) => subjectItem(subject, minute.names)))));
  }
  $('min-rounds').replaceChildren(...rounds);
  $('min-digest').textContent = digestGroups(digest);
}

/** Whether `signature` by committee member `member` verifies on `digest` (never throws). */
function verifies(keyHex, digest, signature) {
  try {
    verifySignature(signingKeyFromHex(keyHex, 'minute'), 'minute', hexToBytes(digest), signature, 'minute');
    return true;
  } catch {
    return false;
  }
}

function renderSigners(document_, digest) {
  const byTrustee = new Map((document_.signatures ?? []).map((s) => [s.trustee, s.signature]));
  const items = [];
  const serverOk = verifies(document_.minute.record?.server_key, digest, document_.server_signature);
  items.push(el('li', { 'data-signed': String(serverOk), testid: 'signer-server' },
    el('span', { text: `${t('cm.minute.server')}: ` }),
    el('strong', { text: t(serverOk ? 'cm.minute.signed' : 'cm.minute.badSignature') })));
  for (const member of document_.minute.committee) {
    const signature = byTrustee.get(member.index);
    const good = signature !== undefined && verifies(member.signing_key, digest, signature);
    const key = signature === undefined ? 'cm.minute.unsigned' : good ? 'cm.minute.signed' : 'cm.minute.badSignature';
    const who = t(member.role === 'head' ? 'cm.minute.head' : 'cm.minute.memberOf', { i: member.index, name: member.name });
    items.push(el('li', {
      'data-signed': String(good), 'data-trustee': String(member.index), testid: `signer-${member.index}`,
      'aria-current': member.index === view.expected.index ? 'true' : null,
    },
    el('span', { text: `${who}${member.index === view.expected.index ? ` ${t('cm.minute.you')}` : ''}: ` }),
    el('strong', { text: `${good ? '✓ ' : ''}${t(key)}` })));
  }
  $('min-signers').replaceChildren(...items);
  return byTrustee;
}

function renderMinute(document_) {
  const judged = judgeMinute(document_);
  const digest = judged.refused ? judged.refused.computed ?? document_.digest : judged.digest;
  const shown = `${getLang()}|${document_.digest}|${canonicalJson(document_.signatures ?? [])}|${judged.refused?.check ?? ''}`;
  const { page } = view;
  const mine = (document_.signatures ?? []).some((s) => s.trustee === view.expected.index);
  const state = judged.refused ? 'refused' : mine ? 'signed' : 'unsigned';
  page.showOnly('status', 'minute');
  $('view-minute').dataset.state = state;
  if (view.shown !== shown) {
    view.shown = shown;
    renderMinuteContent(document_.minute, String(digest));
    renderSigners(document_, String(digest));
    const box = $('min-refused');
    box.hidden = !judged.refused;
    if (judged.refused) {
      const { check, claimed = '', computed = '' } = judged.refused;
      $('min-refused-title').textContent = t('cm.minute.refusedTitle');
      $('min-refused-body').textContent = t(`cm.minute.refused.${check}`, {
        claimed: digestGroups(claimed), computed: digestGroups(computed),
      });
      box.dataset.check = check;
    }
  }
  $('sign-minute').hidden = state !== 'unsigned';
  if (state === 'refused') page.showStatus('cm.status.minuteRefused', 'error');
  else if (state === 'signed') {
    const count = (document_.signatures ?? []).length;
    page.showStatus('cm.status.signed', 'ok', { n: count, total: document_.minute.committee.length });
  } else page.showStatus('cm.status.toSign', 'wait');
}

$('sign-minute').addEventListener('click', async () => {
  const { page } = view;
  if (!page || page.busy || !view.minute || !page.client.record?.signingSeed) return;
  page.busy = true;
  const button = $('sign-minute');
  button.disabled = true;
  $('sign-status').textContent = t('cm.minute.working');
  page.showError(null);
  try {
    // checked again here, on exactly the document shown: the digest is the phone's own
    const body = signMinute(page.client.record.signingSeed, view.minute, view.expected);
    try {
      await page.api('/api/minute/signatures', { method: 'POST', body, credential: true });
    } catch (error) {
      if (error?.code !== 'already_signed') throw error;
    }
    $('sign-status').textContent = t('cm.minute.sent');
    view.minute = await page.api('/api/minute');
    renderMinute(view.minute);
  } catch (error) {
    $('sign-status').textContent = '';
    if (error instanceof MinuteRefused) renderMinute(view.minute);
    else page.transientError(error);
  } finally {
    page.busy = false;
    button.disabled = false;
  }
});

