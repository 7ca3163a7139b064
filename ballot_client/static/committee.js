/**
 * The committee member's page (`/committee#c=CREDENTIAL&r=ROUND`), opened from the member's QR:
 * the screens over the committee client (`/js/committee.mjs`), which does and checks everything.
 *
 * Key ceremony (PROTOCOL.md §14), four steps: (1) make the key on this phone — the phone pins the
 * server's key and claims the link with its own key; (2) save the encrypted backup, before
 * anything leaves the phone; (3) every member's signed announcement checked, the encrypted shares
 * sent; (4) the shares received opened and checked (a bad one disputed in the open), then the
 * member compares their key fingerprint with the projector and confirms. A phone without the key
 * opening a link another device claimed shows a loud alarm (also on the projector and the chair's
 * page) and offers to restore the backup.
 *
 * After voting closes: the checks of §15 — the signed log from event 0, the round rule, every
 * ballot verified in Web Workers (during voting already), the aggregate as the plain sum, the
 * ballot count next to the tokens, a small round's recorded reason — with progress; the "Giải mã"
 * button is enabled only when every check passed, and a refusal names its reason. A further round
 * reusing the committee's keys (a runoff, or a round of another kind) is followed only when the
 * signed log shows it reuses them.
 * Then the minute (committee-minute.js). The page polls every second; a reload resumes.
 */

import '/static/served.js';
import { el } from '/static/dom.js';
import { loadElection, shortCode } from '/js/index.mjs';
import { CommitteeClient, MemberFailure } from '/js/committee.mjs';
import { KeystoreError } from '/js/keystore.mjs';
import { mountBackup, renderBackup, showRestore } from '/static/committee-backup.js';
import { follow, mountRoundView, renderChecks } from '/static/committee-decrypt.js';
import { resetMinute } from '/static/committee-minute.js';
import { VerifierPool } from '/static/verifier.js';
import { kindText, roundKind } from '/js/kindwords.mjs';
import {
  applyI18n, getLang, has, initI18n, mountLanguageSwitch, onLangChange, t,
} from '/static/i18n.js';

const $ = (id) => document.getElementById(id);
const POLL_MS = 1000;
const CREDENTIAL_HEADER = 'X-Committee-Credential';
const VIEWS = ['loading', 'alarm', 'ceremony', 'status', 'decrypt', 'minute', 'backup', 'restore'];

class HttpError extends Error {
  constructor(status, body) {
    super(body?.message_en || `HTTP ${status}`);
    this.status = status;
    this.body = body ?? {};
    this.code = this.body.error ?? 'http';
  }

  text() {
    return (getLang() === 'en' ? this.body.message_en : this.body.message) || this.body.message || this.message;
  }
}

/** The page's shared state and helpers (handed to the backup and minute modules). */
const page = {
  credential: null,
  client: null,
  ceremony: null, // the last ceremony state of the link's round
  round: null, // the round followed: the link's, or a later one the signed log shows reusing its keys
  electionHex: null, // its election fingerprint hₑ (64 hex), once published
  phase: null, // its phase
  busy: false,
  stopped: false,
  timer: null,
  error: null,
  status: null,
  checks: null, // {round, checked} or {round, refused}
  checking: false,
  api,
  showOnly,
  showStatus,
  showError,
  transientError,
  renderIdentity: () => renderIdentity(),
  meetingText: () => meetingText(),
  fail: (failure, step) => fail(failure, step),
  tick: () => tick(),
  clearAlarm: () => {
    $('view-alarm').hidden = true;
  },
};

async function api(path, { method = 'GET', body, credential = false } = {}) {
  const headers = { Accept: 'application/json' };
  if (credential) headers[CREDENTIAL_HEADER] = page.credential;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store', credentials: 'omit',
    });
  } catch (error) {
    const failure = new Error('network');
    failure.code = 'network';
    failure.cause = error;
    throw failure;
  }
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok) throw new HttpError(response.status, data);
  return data;
}

// ---- views, status and errors -----------------------------------------------------------------

function showOnly(...names) {
  for (const name of VIEWS) $(`view-${name}`).hidden = !names.includes(name);
  document.body.dataset.view = names.join(' ');
}

function memberLabel(index) {
  const name = page.client?.manifest?.committee?.members?.[index - 1]?.name || '';
  return name ? t('cm.memberNamed', { i: index, name }) : t('cm.member', { i: index });
}

function meetingText() {
  const meeting = page.client?.manifest?.meeting ?? {};
  return [meeting.title, meeting.cell, meeting.date].filter(Boolean).join(' · ') || meeting.id || '';
}

function showError(error) {
  page.error = error;
  const region = $('error-region');
  region.replaceChildren();
  if (!error) return;
  const box = el('div', { class: 'notice error', testid: 'error', 'data-code': error.code ?? error.key },
    el('strong', { class: 'notice-title', text: t(error.key, error.vars) }));
  if (error.detail) box.append(el('p', { class: 'reference', text: error.detail }));
  region.append(box);
  box.scrollIntoView?.({ block: 'nearest' });
}

function transientError(error) {
  if (error?.code === 'network') return showError({ key: 'cm.error.network', code: 'network' });
  if (error instanceof HttpError) {
    return showError({ key: 'cm.error.server', vars: { message: error.text() }, code: error.code });
  }
  if (error instanceof KeystoreError) {
    return showError({ key: 'cm.error.storedUnreadable', detail: error.message, code: 'stored' });
  }
  return showError({ key: 'cm.error.unexpected', detail: String(error?.message ?? error), code: 'unexpected' });
}

function showStatus(key, kind, vars = {}) {
  page.status = { key, kind, vars };
  $('view-status').hidden = false;
  const box = $('status-box');
  box.className = `notice ${kind}`;
  box.dataset.state = key;
  $('view-status').dataset.state = key;
  $('status-title').textContent = t(`${key}.title`, vars);
  $('status-body').textContent = t(`${key}.body`, vars);
}

function stop() {
  page.stopped = true;
  clearTimeout(page.timer);
}

/** A failure of the device (MemberFailure): named, kept on screen, the page stops. */
function fail(failure, step) {
  const key = `cm.failure.${failure.reason}`;
  const vars = { member: failure.member ? memberLabel(failure.member) : '' };
  if (step) setStep(step, 'failed', t(key, vars));
  showError({ key: has(key) ? key : 'cm.error.unexpected', vars, code: failure.reason });
  $('view-ceremony').dataset.failure = failure.reason;
  stop();
}

// ---- start and polling ------------------------------------------------------------------------

function parseFragment() {
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  return { credential: params.get('c'), round: params.get('r') };
}

function storage() {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

async function start() {
  const fragment = parseFragment();
  if (!fragment.credential) {
    showOnly();
    showError({ key: 'cm.error.noCredential', code: 'no_credential' });
    return;
  }
  page.credential = fragment.credential;
  const store = storage();
  if (!store) {
    showOnly();
    showError({ key: 'cm.error.noStorage', code: 'no_storage' });
    return;
  }
  try {
    const round = /^\d{1,4}$/.test(fragment.round ?? '')
      ? Number(fragment.round) : (await api('/api/status')).round;
    page.pool = new VerifierPool();
    page.client = new CommitteeClient({
      api, storage: store, linkRound: round, verifyBallots: page.pool.verify,
    });
    page.round = round;
    const state = await page.client.open();
    $('identity').hidden = false;
    await advance(state);
  } catch (error) {
    if (error instanceof HttpError && (error.status === 403 || error.status === 404)) {
      showOnly();
      showError({ key: error.status === 403 ? 'cm.error.badCredential' : 'cm.error.noRound', code: error.code });
      return;
    }
    if (error instanceof MemberFailure) {
      fail(error);
      return;
    }
    showOnly('loading');
    transientError(error);
  }
  schedule();
}

function schedule() {
  clearTimeout(page.timer);
  if (!page.stopped) page.timer = setTimeout(tick, POLL_MS);
}

async function tick() {
  if (page.busy || page.stopped) return schedule();
  try {
    if (!page.client?.loaded) {
      await start();
      return;
    }
    const state = await api(page.client.path);
    if (page.error?.code === 'network' || page.error?.code === 'unexpected') showError(null);
    await advance(state);
  } catch (error) {
    if (error instanceof MemberFailure) fail(error);
    else transientError(error);
  }
  schedule();
}

// ---- identity ---------------------------------------------------------------------------------

function phaseText(phase) {
  for (const key of [`cm.phase.${phase}`, `phase.${phase}`]) {
    if (has(key)) return t(key);
  }
  return t('phase.unknown', { phase });
}

/** The manifest of round `number` as the verified log holds it (the link round's until then). */
function roundManifest(number) {
  const started = page.client.follower?.events
    .find((e) => e.type === 'round-started' && e.body?.round === number);
  return started?.body?.manifest ?? page.client.manifest;
}

function renderIdentity() {
  const { client } = page;
  $('member-label').textContent = memberLabel(client.index);
  $('fact-meeting').textContent = meetingText();
  const kind = roundKind(roundManifest(page.round));
  let round = String(page.round);
  if (page.round !== client.linkRound) {
    round = ['rating', 'runoff'].includes(kind) ? t('cm.roundReusing', { n: page.round, key: client.linkRound })
      : t('cm.roundKindReusing', { n: page.round, kind: kindText(kind, getLang()).name, key: client.linkRound });
  }
  $('fact-round').textContent = round;
  $('fact-round').dataset.kind = kind;
  $('fact-round').dataset.keyRound = String(client.linkRound);
  const phase = page.phase ?? page.ceremony?.phase;
  $('fact-phase').textContent = phaseText(phase);
  document.body.dataset.phase = phase ?? '';
  $('fact-print-label').textContent = t(page.electionHex ? 'cm.fingerprint' : 'cm.manifestHash');
  $('fact-print').textContent = shortCode(page.electionHex ?? client.loaded.hashHex);
  const keyed = Boolean(client.record);
  $('fact-key-label').hidden = !keyed;
  $('fact-key').hidden = !keyed;
  $('fact-key').textContent = keyed ? client.fingerprint : '';
}

// ---- the state machine ------------------------------------------------------------------------

async function advance(state) {
  const { client } = page;
  page.ceremony = state;
  if (page.round === client.linkRound) {
    page.electionHex = state.election ? loadElection(client.loaded, state.election).fingerprintHex : null;
  }
  if (!client.record) {
    page.phase = state.phase;
    renderIdentity();
    const me = state.trustees[client.index - 1];
    if (me?.claimed) {
      await raiseAlarm();
      return;
    }
    if (state.phase === 'ceremony') {
      showOnly('ceremony');
      setStep(1, 'active', t('cm.step1.help'));
      for (const n of [2, 3, 4]) setStep(n, 'pending');
      $('make-key').hidden = false;
      return;
    }
    const why = { closed: 'cm.restore.whyDecrypt', counted: 'cm.restore.whySign' }[state.phase];
    showRestore(why ?? 'cm.restore.whyLost');
    return;
  }
  if (state.phase === 'ceremony') {
    page.phase = state.phase;
    renderIdentity();
    await ceremony(state);
    return;
  }
  if ((await client.step(state)).stage === 'abandoned') {
    page.phase = 'abandoned';
    renderIdentity();
    showOnly('status');
    showStatus('cm.status.abandoned', 'error');
    stop();
    return;
  }
  await follow();
}

async function raiseAlarm() {
  try {
    await page.client.raiseAlarm();
  } catch (error) {
    if (!(error instanceof HttpError && error.code === 'unclaimed')) throw error;
  }
  $('alarm-title').textContent = t('cm.alarm.title', { member: memberLabel(page.client.index) });
  showRestore('cm.restore.whyCeremony', ['alarm']);
}

function setStep(number, stepState, text) {
  const item = $(`step-${number}`);
  item.dataset.state = stepState;
  $(`step-${number}-status`).textContent = text ?? '';
  if (stepState === 'active') item.setAttribute('aria-current', 'step');
  else item.removeAttribute('aria-current');
}

async function ceremony(state) {
  const { client } = page;
  $('make-key').hidden = true;
  $('confirm-fingerprint').hidden = true;
  $('step-4-key').hidden = true;
  page.busy = true;
  let result;
  try {
    result = await client.step(state);
  } catch (error) {
    if (error instanceof MemberFailure) {
      const step = { relay: 4, dispute_lost: 4, share_mismatch: 4, bad_announcement: 3 }[error.reason] ?? 1;
      fail(error, step);
      showOnly('ceremony');
      return;
    }
    throw error;
  } finally {
    page.busy = false;
  }
  const total = state.trustees.length;
  const views = ['ceremony', 'backup'];
  setStep(1, 'done', t('cm.step1.done'));
  setStep(2, 'done', t('cm.step2.done'));
  renderBackup();
  switch (result.stage) {
    case 'backup':
      setStep(2, 'active', t('cm.step2.help'));
      setStep(3, 'pending');
      setStep(4, 'pending');
      showOnly(...views);
      return;
    case 'waiting-announcements':
      setStep(3, 'active', t('cm.step3.waiting', { n: result.n, total }));
      setStep(4, 'pending');
      break;
    case 'waiting-shares':
      setStep(3, 'done', t('cm.step3.done', { total }));
      setStep(4, 'active', t('cm.step4.waiting', { n: result.n, total: result.total }));
      break;
    case 'waiting-reveal':
      setStep(3, 'done', t('cm.step3.done', { total }));
      setStep(4, 'active', t('cm.step4.reveal', { member: memberLabel(result.accused) }));
      break;
    case 'confirm-projector':
      setStep(3, 'done', t('cm.step3.done', { total }));
      setStep(4, 'active', t('cm.step4.projector', { fingerprint: result.fingerprint }));
      $('step-4-key').textContent = result.fingerprint;
      $('step-4-key').hidden = false;
      $('confirm-fingerprint').hidden = false;
      break;
    case 'waiting-confirmations':
      setStep(3, 'done', t('cm.step3.done', { total }));
      setStep(4, 'done', t('cm.step4.done'));
      showOnly(...views, 'status');
      showStatus('cm.status.waitConfirm', 'wait', { n: result.n, total });
      return;
    default:
      break;
  }
  showOnly(...views);
}

$('make-key').addEventListener('click', async () => {
  if (page.busy || page.client?.record) return;
  page.busy = true;
  $('make-key').disabled = true;
  setStep(1, 'active', t('cm.step1.working'));
  try {
    await page.client.makeKey();
    setStep(1, 'done', t('cm.step1.done'));
  } catch (error) {
    if (error instanceof MemberFailure && error.reason === 'link_claimed') {
      page.client.record = null;
      page.busy = false;
      await raiseAlarm().catch(transientError);
      return;
    }
    transientError(error);
  } finally {
    page.busy = false;
    $('make-key').disabled = false;
  }
  tick();
});

$('confirm-fingerprint').addEventListener('click', async () => {
  if (page.busy || !page.ceremony) return;
  page.busy = true;
  $('confirm-fingerprint').disabled = true;
  try {
    await page.client.confirm(page.ceremony);
  } catch (error) {
    transientError(error);
  } finally {
    page.busy = false;
    $('confirm-fingerprint').disabled = false;
  }
  tick();
});

// ---- language ---------------------------------------------------------------------------------

onLangChange(() => {
  applyI18n();
  document.title = `${t('app.name')} — ${t('cm.title')}`;
  if (page.error) showError(page.error);
  if (page.status) showStatus(page.status.key, page.status.kind, page.status.vars);
  if (page.client?.loaded) renderIdentity();
  if (page.checks) renderChecks();
  resetMinute();
  if (page.ceremony && !page.busy && !page.stopped) advance(page.ceremony).catch(transientError);
});

initI18n();
document.title = `${t('app.name')} — ${t('cm.title')}`;
mountLanguageSwitch($('lang'));
mountBackup(page);
mountRoundView(page);
start();
