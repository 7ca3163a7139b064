/**
 * Sealing, casting and auditing the ballot on the phone (PROTOCOL.md §6.1, §8.1).
 *
 * After the review the phone seals the ballot — encrypts and proves it through the crypto core
 * (`encryptBallotSteps`, question by question so the progress bar moves) — and shows its tracker
 * code. The voter then either:
 * - casts it: the phone signs it with the token's key (`makeSubmission`: the token itself never
 *   leaves the phone), remembers the tracker code under the token hash *before* sending, and
 *   shows the receipt. If the answer is lost, a reload or a re-scan finds the token spent, looks
 *   the remembered code up on the server and shows the receipt again;
 * - or audits it: the phone opens it (`openBallot`: the nonces and the choices, nothing derived
 *   from the token), checks the opening itself and shows what was encrypted with the code, keeps
 *   the audited ballot in this tab's session storage, and seals afresh. Audited ballots are sent
 *   only after the voter has cast (or at a later visit that casts nothing), never just before.
 *
 * The ballot format lives only in `ballot_client/js`: this page never builds a ballot itself.
 */

import { el } from '/static/dom.js';
import {
  encryptBallotSteps, makeSubmission, openBallot, trackerCode, verifyAuditedBallot,
} from '/js/index.mjs';
import { t } from '/static/i18n.js';
import { HttpError, NetworkError, api } from '/static/vote-api.js';

const CAST_KEY = 'phieukin.cast.'; // + token hash → tracker code (before sending; no choice)
const AUDITS_KEY = 'phieukin.audits'; // [{round, audited}] until sent (this tab only)
const SUBMIT_TIMEOUT_MS = 45000;
const SLICE_MS = 40; // encrypt for about this long, then let the page repaint
const BUSY_RETRIES = 8;

let page = null;
const $ = (id) => document.getElementById(id);
const nextFrame = () => new Promise((resolve) => { setTimeout(resolve, 0); });
const wait = (seconds) => new Promise((resolve) => { setTimeout(resolve, seconds * 1000); });

/**
 * Connect this module to the page: `state`, `show(view)`, `showError(error)`,
 * `showState(key, reference)`, `focusTop(element)`, `setWorking(fraction, text)`,
 * `choiceText(question, choice)`.
 */
export function initCasting(pageApi) {
  page = pageApi;
  $('cast').addEventListener('click', () => cast());
  $('audit').addEventListener('click', () => audit());
  $('reseal').addEventListener('click', () => seal());
}

// ---- storage (never the token, never a choice of a cast ballot) ---------------------------

function store(kind, key, value) {
  try {
    if (value === null) kind.removeItem(key);
    else kind.setItem(key, value);
  } catch {
    /* private mode: the page still works, without recovery after a reload */
  }
}

function read(kind, key) {
  try {
    return kind.getItem(key);
  } catch {
    return null;
  }
}

function pendingAudits() {
  try {
    const list = JSON.parse(read(sessionStorage, AUDITS_KEY) ?? '[]');
    return Array.isArray(list) ? list : [];
  } catch {
    return [];
  }
}

function savePendingAudits(list) {
  store(sessionStorage, AUDITS_KEY, list.length ? JSON.stringify(list) : null);
}

// ---- seal ---------------------------------------------------------------------------------

/** Encrypt and prove the reviewed choices, then show the tracker and the two choices. */
export async function seal() {
  const { state } = page;
  if (state.busy) return;
  state.busy = true;
  state.sealed = null;
  page.showError(null);
  page.show('working');
  const total = state.context.manifest.questions.length;
  page.setWorking(0, t('vote.encrypting', { n: 0, total }));
  page.focusTop($('working-title'));
  await nextFrame();
  try {
    const started = performance.now();
    const choices = state.choices.map((c) => (c === 'blank' ? null : c)); // a runoff's list stays a list
    const steps = encryptBallotSteps({ context: state.context, tokenHash: state.tokenHash, choices });
    let sliceStart = performance.now();
    let step = steps.next();
    while (!step.done) {
      if (performance.now() - sliceStart > SLICE_MS || step.value.done === total) {
        page.setWorking(step.value.done / total, t('vote.encrypting', { n: step.value.done, total }));
        await nextFrame();
        sliceStart = performance.now();
      }
      step = steps.next();
    }
    state.sealed = step.value;
    state.localCode = trackerCode(state.sealed.ballot);
    document.body.dataset.encryptMs = String(Math.round(performance.now() - started));
  } catch (error) {
    state.sealed = null;
    page.showError({
      code: 'crypto', message: t('error.crypto', { detail: String(error?.message ?? error) }),
      actions: [{ label: t('vote.restart'), testid: 'restart', run: () => seal() }],
    });
    return;
  } finally {
    state.busy = false;
  }
  showSealed();
}

function showSealed() {
  $('sealed-code').textContent = page.state.localCode;
  page.show('sealed');
  history.replaceState({ phieukin: 'sealed' }, '');
  page.focusTop($('view-sealed'));
}

/** Forget a sealed ballot that was neither cast nor audited (the voter went back to edit). */
export function dropSealed() {
  page.state.sealed = null;
  page.state.localCode = null;
}

// ---- audit --------------------------------------------------------------------------------

/** Open the sealed ballot, check the opening here, show it, keep it to send after the cast. */
function audit() {
  const { state } = page;
  if (!state.sealed || state.busy) return;
  const audited = openBallot(state.sealed);
  const code = state.localCode;
  state.sealed = null; // an audited encryption can never be cast
  let opened;
  try {
    opened = verifyAuditedBallot({ context: state.context, audited });
  } catch (error) {
    // This phone's own check says the encryption is not what it shows: never vote here.
    page.show('audited');
    $('audited-code').textContent = code;
    $('audited-list').replaceChildren();
    page.showError({
      code: 'audit_failed', message: t('vote.audit.failed', { code }),
      detail: String(error?.check ?? ''),
    });
    $('reseal').hidden = true;
    return;
  }
  savePendingAudits([...pendingAudits(), { round: state.round, audited }]);
  renderAudited(code, opened.selected);
  page.show('audited');
  history.replaceState({ phieukin: 'audited' }, '');
  page.focusTop($('view-audited'));
}

let lastAudit = null; // {code, selected}: to re-render the audited view in another language

/** Refill the language-dependent text of the audited view (after a language switch). */
export function relabelCasting() {
  if (page.state.view === 'audited' && lastAudit) renderAudited(lastAudit.code, lastAudit.selected);
}

function renderAudited(code, selected) {
  lastAudit = { code, selected };
  const { questions } = page.state.manifest;
  $('audited-code').textContent = code;
  $('reseal').hidden = false;
  const list = $('audited-list');
  list.replaceChildren();
  questions.forEach((question, q) => {
    // a runoff question (names to tick) shows the list; a rating question its one level
    const choice = Array.isArray(question.option_titles) ? selected[q]
      : selected[q].length ? selected[q][0] : 'blank';
    list.append(el('li', { class: 'review-row', testid: `audited-${question.id}` },
      el('span', { class: 'review-name', text: question.title || question.id }),
      el('span', { class: 'review-choice', 'data-choice': String(choice), text: page.choiceText(question, choice) })));
  });
}

/**
 * Send the audited ballots kept in this tab: after a cast, or at a visit that will cast
 * nothing. Each is forgotten once the server has it (or refuses it for good).
 */
export async function flushAudits() {
  const kept = [];
  let sent = 0;
  for (const item of pendingAudits()) {
    try {
      await api(`/api/rounds/${item.round}/audits`, { method: 'POST', body: item.audited });
      sent += 1;
    } catch (error) {
      const final = error instanceof HttpError && error.status < 500 && error.status !== 429;
      if (!final) kept.push(item);
    }
  }
  savePendingAudits(kept);
  document.body.dataset.auditsSent = String(Number(document.body.dataset.auditsSent ?? 0) + sent);
}

// ---- cast ---------------------------------------------------------------------------------

/** Sign and send the sealed ballot; safe to repeat (the same ballot gets the same receipt). */
export async function cast() {
  const { state } = page;
  if (!state.sealed || state.busy) return;
  state.busy = true;
  page.showError(null);
  page.show('working');
  page.setWorking(0.95, t('vote.sending'));
  store(localStorage, CAST_KEY + state.tokenHash, state.localCode); // before sending
  const body = makeSubmission({ token: state.token, ballot: state.sealed.ballot });
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        const { status, data } = await api(`/api/rounds/${state.round}/ballots`, {
          method: 'POST', body, timeout: SUBMIT_TIMEOUT_MS,
        });
        received(status, data);
        return;
      } catch (error) {
        if (!(error instanceof HttpError && error.status === 503) || attempt >= BUSY_RETRIES) throw error;
        const seconds = (error.retryAfter ?? 2) + Math.random();
        page.setWorking(0.95, t('vote.busy', { s: Math.ceil(seconds) }));
        await wait(seconds);
      }
    }
  } catch (error) {
    await handleSendError(error);
  } finally {
    state.busy = false;
  }
}

function received(status, data) {
  const { state } = page;
  page.setWorking(1, t('vote.sending'));
  if (data?.code !== state.localCode) {
    // The receipt must be the tracker of exactly the ballot this phone made.
    page.showError({
      code: 'receipt_mismatch', message: t('error.invalid_ballot'),
      detail: `${state.localCode} ≠ ${data?.code ?? '?'}`,
    });
    return;
  }
  state.sealed = null; // the nonces are forgotten once the ballot is cast
  showReceipt(state.localCode, status === 200);
}

async function handleSendError(error) {
  const { state } = page;
  page.setWorking(0.95, t('vote.notSent'));
  const retry = { label: t('vote.retry'), testid: 'retry', run: () => cast() };
  if (error instanceof NetworkError) {
    page.showError({ code: 'network', message: t('error.network'), detail: t('vote.retry.help'), actions: [retry] });
    return;
  }
  const { code } = error;
  if (code === 'token_used' && await recoverReceipt()) return;
  if (['token_used', 'token_cancelled', 'token_unknown', 'voting_closed'].includes(code)) {
    const key = { token_used: 'spent', token_cancelled: 'cancelled', token_unknown: 'unknown', voting_closed: 'closed' }[code];
    state.sealed = null;
    $('view-state').dataset.error = code;
    page.showState(key, error.reference);
    return;
  }
  if (['invalid_ballot', 'token_mismatch', 'bad_signature', 'audited_ballot'].includes(code)) {
    const restart = { label: t('vote.restart'), testid: 'restart', run: () => seal() };
    page.showError({ code, message: error.text(), reference: error.reference, actions: [restart] });
    return;
  }
  // voting_not_open, rate limited, still busy, server errors: the same ballot can be resent.
  page.showError({
    code, message: error.text(), reference: error.reference, detail: t('vote.retry.help'), actions: [retry],
  });
}

// ---- receipt ------------------------------------------------------------------------------

/**
 * The token is spent: if this phone sent a ballot with it (its code was kept before sending)
 * and the server has that ballot, show the receipt again. Returns whether it did.
 */
export async function recoverReceipt() {
  const { state } = page;
  const code = read(localStorage, CAST_KEY + state.tokenHash);
  if (!code) return false;
  try {
    const { data } = await api(`/api/rounds/${state.round}/trackers/${encodeURIComponent(code)}`);
    if (!data?.found || data.audited) return false;
  } catch {
    return false;
  }
  state.localCode = code;
  showReceipt(code, true);
  return true;
}

function showReceipt(code, again) {
  const { state } = page;
  state.choices = state.choices.map(() => undefined); // nothing of the vote stays in the page
  $('questions').replaceChildren();
  $('review-list').replaceChildren();
  $('receipt-code').textContent = code;
  $('receipt-again').hidden = !again;
  $('receipt-check').href = `/t#r=${state.round}&c=${encodeURIComponent(code)}`;
  $('receipt-copy').hidden = !canCopy();
  page.show('receipt');
  history.replaceState({ phieukin: 'receipt' }, '');
  page.focusTop($('view-receipt'));
  flushAudits();
}

function canCopy() {
  return Boolean(navigator.clipboard?.writeText) || document.queryCommandSupported?.('copy');
}
