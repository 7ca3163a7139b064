/**
 * The committee member's page (`/committee#c=CREDENTIAL&r=ROUND`), opened from the member's QR.
 *
 * Key ceremony (PROTOCOL.md §5), all in this browser: (1) make the member's polynomial,
 * share-encryption key and signing key, keep them in localStorage (keystore.mjs), post the
 * announcement; (2) once every member has announced, verify every announcement and send each
 * other member its encrypted share; (3) once the shares addressed to this member have arrived,
 * open and check each against its sender's commitments — a bad one is reported as a complaint
 * naming the sender — keep sⱼ, drop the polynomial, confirm. Then the backup: a file or a QR
 * code, encrypted under a passphrase the member chooses.
 *
 * After voting closes: what the member is asked to decrypt (meeting, round, election
 * fingerprint, number of ballots), and the "Giải mã" button, which makes the decryption share
 * with its proofs and posts it. Once the chair has made the minute, "Ký biên bản": what is signed
 * in plain words (meeting, per round and person the proposed level, the minute's fingerprint);
 * the phone recomputes the digest from the minute itself and refuses to sign when the server's
 * differs (minute.mjs), then signs with the member's signing seed and shows who has signed.
 * A further round that reuses the committee's keys (a runoff after a tie at the quota boundary,
 * `POST /api/chair/rounds {"runoff": true}`) is followed from the member's original link: once
 * the link's round is counted and `/api/status` names a later round whose election has the same
 * joint key, the page shows that round and decrypts it with the same stored secret share (the
 * server copied the member's credential to it). The secrets stay stored under the link's round.
 * The page follows the ceremony state by polling it every second;
 * every step is idempotent, so a reload resumes where it stopped. The credential stays in the URL
 * fragment and travels only in the `X-Committee-Credential` header; no secret ever leaves the
 * phone except inside the passphrase-encrypted backup the member saves.
 */

import '/static/served.js';
import { el } from '/static/dom.js';
import {
  InvalidShare, MinuteRefused, TallyError, baseMul, canonicalJson, checkMinute, combineSecretShare,
  hexToBytes, loadElection, loadManifest, makeDecryptionShare, makeEncryptedShares, makeTrustee,
  openShare, pointToHex, publicShare, publicShareFromAnnouncements, signMinute, signingKeyFromHex,
  verifyAnnouncement, verifySignature,
} from '/js/index.mjs';
import {
  KeystoreError, backupFileName, decryptBackup, encryptBackup, loadLocal, recordFromTrustee,
  saveLocal, withSecretShare,
} from '/js/keystore.mjs';
import { qrSvg } from '/static/qr.js';
import { renderStep, REASON_CODES } from '/js/rulewords.mjs';
import {
  kindText, outcomeText, roundKind, votesText,
} from '/js/kindwords.mjs';
import {
  applyI18n, getLang, has, initI18n, mountLanguageSwitch, onLangChange, t,
} from '/static/i18n.js';

const $ = (id) => document.getElementById(id);
const POLL_MS = 1000;
const CREDENTIAL_HEADER = 'X-Committee-Credential';
const VIEWS = ['loading', 'ceremony', 'status', 'decrypt', 'minute', 'backup', 'restore'];

const state = {
  credential: null,
  round: null,         // the round shown: the link's, or a later one reusing its keys
  keyRound: null,      // the link's round: where the key was made and the secrets are stored
  keyJoint: null,      // the joint key (hex) of the link's round, once published
  index: null,
  manifest: null,      // JSON
  loaded: null,        // loadManifest(manifest)
  ids: null,           // {meeting, round, index, manifestHash} of the link's round
  record: null,        // keystore record, or null
  progress: {},        // {announcement, backedUp, decrypted, complaint, rounds: {k: {decrypted}}}
  last: null,          // last ceremony state from the server
  aggregate: null,
  timer: null,
  busy: false,
  stopped: false,
  error: null,         // {key, vars, detail} of the error shown
  status: null,        // {key, vars, kind} of the status shown
  backupUrl: null,
  minute: null,        // the last GET /api/minute document, or null
  minuteShown: null,   // what the minute view was last drawn from (redrawn only on a change)
};

// ---- helpers --------------------------------------------------------------------------------


function showOnly(...names) {
  for (const name of VIEWS) $(`view-${name}`).hidden = !names.includes(name);
  document.body.dataset.view = names.join(' ');
}

/** 64 hex → "3F2A 9B1C 0D4E 7A55 …" (the first 16 bytes, in groups of four). */
function printed(hex) {
  return hex.slice(0, 32).toUpperCase().match(/.{4}/g).join(' ');
}

function memberName(index) {
  return state.manifest?.committee?.members?.[index - 1]?.name || '';
}

function memberLabel(index) {
  const name = memberName(index);
  return name ? t('cm.memberNamed', { i: index, name }) : t('cm.member', { i: index });
}

function meetingText() {
  const meeting = state.manifest?.meeting ?? {};
  return [meeting.title, meeting.cell, meeting.date].filter(Boolean).join(' · ') || meeting.id || '';
}

function parseFragment() {
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  return { credential: params.get('c'), round: params.get('r') };
}

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

async function api(path, { method = 'GET', body } = {}) {
  const headers = { Accept: 'application/json', [CREDENTIAL_HEADER]: state.credential };
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

const roundPath = (suffix) => `/api/rounds/${state.round}${suffix}`;

// ---- errors and status ----------------------------------------------------------------------

/** Show an error ({key, vars, detail, code}) or clear it (null). Kept for a language switch. */
function showError(error) {
  state.error = error;
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
  return showError({ key: 'cm.error.unexpected', detail: String(error?.message ?? error), code: 'unexpected' });
}

function showStatus(key, kind, vars = {}) {
  state.status = { key, kind, vars };
  $('view-status').hidden = false;
  const box = $('status-box');
  box.className = `notice ${kind}`;
  box.dataset.state = key;
  $('view-status').dataset.state = key;
  $('status-title').textContent = t(`${key}.title`, vars);
  $('status-body').textContent = t(`${key}.body`, vars);
}

function stop() {
  state.stopped = true;
  clearTimeout(state.timer);
}

// ---- local secrets --------------------------------------------------------------------------

function storage() {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

function persist() {
  const store = storage();
  if (!store) throw new KeystoreError('storage', 'localStorage is not available');
  saveLocal(store, state.record, state.progress);
}

function trusteeSecrets(record) {
  return {
    index: record.index,
    coefficients: record.coefficients,
    encryptionSecret: record.encryptionSecret,
    signingSeed: record.signingSeed,
  };
}

// ---- start ----------------------------------------------------------------------------------

async function start() {
  const fragment = parseFragment();
  if (!fragment.credential) {
    showOnly();
    showError({ key: 'cm.error.noCredential', code: 'no_credential' });
    return;
  }
  state.credential = fragment.credential;
  try {
    if (/^\d{1,4}$/.test(fragment.round ?? '')) {
      state.round = Number(fragment.round);
    } else {
      const status = await fetch('/api/status', { cache: 'no-store' }).then((r) => r.json());
      state.round = status.round;
    }
    state.keyRound = state.round;
    const me = await api(roundPath('/ceremony/me'));
    state.index = me.trustee;
    const ceremony = await api(roundPath('/ceremony'));
    state.manifest = ceremony.manifest;
    state.loaded = loadManifest(ceremony.manifest);
    const meeting = state.manifest.meeting?.id || state.loaded.hashHex.slice(0, 16);
    state.ids = { meeting, round: state.round, index: state.index, manifestHash: state.loaded.hashHex };
    const store = storage();
    let local = null;
    try {
      local = store ? loadLocal(store, state.ids) : null;
    } catch (error) {
      showError({ key: 'cm.error.storedUnreadable', detail: String(error?.message ?? error), code: 'stored' });
    }
    if (local) {
      state.record = local.record;
      state.progress = local.progress;
    }
    if (!store) showError({ key: 'cm.error.noStorage', code: 'no_storage' });
    $('identity').hidden = false;
    await advance((await followLaterRound(ceremony)) ?? ceremony);
  } catch (error) {
    if (error instanceof HttpError && (error.status === 403 || error.status === 404)) {
      showOnly();
      showError({ key: error.status === 403 ? 'cm.error.badCredential' : 'cm.error.noRound', code: error.code });
      return;
    }
    showOnly('loading');
    transientError(error);
  }
  schedule();
}

function schedule() {
  clearTimeout(state.timer);
  if (!state.stopped) state.timer = setTimeout(tick, POLL_MS);
}

async function tick() {
  if (state.busy || state.stopped) return schedule();
  try {
    if (!state.loaded) {
      await start();
      return;
    }
    const ceremony = await api(roundPath('/ceremony'));
    if (state.error?.code === 'network' || state.error?.code === 'unexpected') showError(null);
    await advance((await followLaterRound(ceremony)) ?? ceremony);
  } catch (error) {
    transientError(error);
  }
  schedule();
}

// ---- a later round with the same keys (a runoff) -------------------------------------------

/** This round's own progress ({decrypted}): kept with the secrets of the link's round. */
function roundProgress() {
  if (state.round === state.keyRound) return state.progress;
  state.progress.rounds ??= {};
  state.progress.rounds[state.round] ??= {};
  return state.progress.rounds[state.round];
}

async function publicJson(path) {
  const response = await fetch(path, { cache: 'no-store', credentials: 'omit' });
  if (!response.ok) throw new HttpError(response.status, await response.json().catch(() => null));
  return response.json();
}

/**
 * Once the round shown is counted, a later round of the meeting whose election has the joint key
 * of the link's round (a runoff reusing the committee's keys) is the one to follow: switch to it
 * and return its ceremony state; otherwise null.
 */
async function followLaterRound(ceremony) {
  if (state.round === state.keyRound && ceremony.election) state.keyJoint = ceremony.election.joint_key;
  if (ceremony.phase !== 'counted' || !state.keyJoint) return null;
  const status = await publicJson('/api/status');
  if (!Number.isSafeInteger(status?.round) || status.round <= state.round) return null;
  for (let number = status.round; number > state.round; number -= 1) {
    let later;
    try {
      later = await publicJson(`/api/rounds/${number}/election`);
      if (later.election?.joint_key !== state.keyJoint) continue;
      const me = await api(`/api/rounds/${number}/ceremony/me`);
      if (me.trustee !== state.index) continue;
    } catch (error) {
      if (error instanceof HttpError && (error.status === 403 || error.status === 404)) continue;
      throw error;
    }
    const next = await api(`/api/rounds/${number}/ceremony`);
    const loaded = loadManifest(next.manifest);
    loadElection(next.manifest, next.election); // the election is this round's own
    state.round = number;
    state.manifest = next.manifest;
    state.loaded = loaded;
    state.aggregate = null;
    state.minuteShown = null;
    $('decrypt-status').textContent = '';
    $('decrypt').hidden = false;
    return next;
  }
  return null;
}

// ---- the state machine ----------------------------------------------------------------------

function phaseText(phase) {
  for (const key of [`cm.phase.${phase}`, `phase.${phase}`]) {
    if (has(key)) return t(key);
  }
  return t('phase.unknown', { phase });
}

function renderIdentity(ceremony) {
  $('member-label').textContent = memberLabel(state.index);
  $('fact-meeting').textContent = meetingText();
  const kind = roundKind(state.manifest);
  let round = String(state.round);
  if (state.round !== state.keyRound) {
    round = ['rating', 'runoff'].includes(kind) ? t('cm.roundReusing', { n: state.round, key: state.keyRound })
      : t('cm.roundKindReusing', { n: state.round, kind: kindText(kind, getLang()).name, key: state.keyRound });
  }
  $('fact-round').textContent = round;
  $('fact-round').dataset.kind = kind;
  $('fact-round').dataset.keyRound = String(state.keyRound);
  $('fact-phase').textContent = phaseText(ceremony.phase);
  document.body.dataset.phase = ceremony.phase;
  if (ceremony.election) {
    const context = loadElection(state.manifest, ceremony.election);
    $('fact-print-label').textContent = t('cm.fingerprint');
    $('fact-print').textContent = printed(context.fingerprintHex);
  } else {
    $('fact-print-label').textContent = t('cm.manifestHash');
    $('fact-print').textContent = printed(state.loaded.hashHex);
  }
}

async function advance(ceremony) {
  state.last = ceremony;
  renderIdentity(ceremony);
  if (state.progress.complaint) {
    showComplaint(state.progress.complaint);
    return;
  }
  const { phase } = ceremony;
  if (phase === 'ceremony') {
    await ceremonyStep(ceremony);
    return;
  }
  if (!state.record) {
    const why = { closed: 'cm.restore.whyDecrypt', counted: 'cm.restore.whySign' }[phase];
    showRestore(why ?? 'cm.restore.whyLost');
    return;
  }
  if (state.record.secretShare === null) {
    showOnly('status');
    showStatus('cm.status.unfinished', 'error');
    stop();
    return;
  }
  if (phase === 'ready' || phase === 'open') {
    showOnly('status', 'backup');
    showStatus(phase === 'open' ? 'cm.status.voting' : 'cm.status.ready', 'ok');
    renderBackup();
    return;
  }
  if (phase === 'closed') {
    await showDecrypt(ceremony);
    return;
  }
  if (phase === 'counted') {
    await showCounted();
    return;
  }
  showOnly('status');
  showStatus('cm.status.other', 'wait', { phase });
}

function setStep(number, stepState, text) {
  const item = $(`step-${number}`);
  item.dataset.state = stepState;
  $(`step-${number}-status`).textContent = text ?? '';
  if (stepState === 'active') item.setAttribute('aria-current', 'step');
  else item.removeAttribute('aria-current');
}

async function ceremonyStep(ceremony) {
  const { trustees } = ceremony;
  const total = trustees.length;
  const me = trustees[state.index - 1];
  showOnly('ceremony');
  if (!state.record) {
    if (me.announcement) {
      showRestore('cm.restore.whyCeremony');
      return;
    }
    setStep(1, 'active', t('cm.step1.help'));
    setStep(2, 'pending');
    setStep(3, 'pending');
    $('make-key').hidden = false;
    return;
  }
  $('make-key').hidden = true;
  state.busy = true;
  try {
    // 1. the announcement is on the server
    if (!me.announcement) {
      await api(roundPath('/ceremony/announcement'), { method: 'POST', body: state.progress.announcement });
    } else if (state.progress.announcement
        && canonicalJson(me.announcement) !== canonicalJson(state.progress.announcement)) {
      failStep(1, { key: 'cm.error.notMine', code: 'not_mine' });
      return;
    }
    setStep(1, 'done', t('cm.step1.done'));

    // 2. every announcement, verified; our shares sent
    const announced = trustees.filter((x) => x.announcement).length + (me.announcement ? 0 : 1);
    if (announced < total) {
      setStep(2, 'active', t('cm.step2.waiting', { n: announced, total }));
      setStep(3, 'pending');
      return;
    }
    const fresh = me.announcement ? ceremony : await api(roundPath('/ceremony'));
    const loaded = [];
    for (const trustee of fresh.trustees) {
      try {
        loaded.push(verifyAnnouncement({ manifest: state.manifest, announcement: trustee.announcement }));
      } catch (error) {
        failStep(2, {
          key: 'cm.error.badAnnouncement', vars: { member: memberLabel(trustee.index) },
          detail: String(error?.message ?? error), code: 'bad_announcement',
        });
        return;
      }
    }
    if (state.record.secretShare === null && !fresh.trustees[state.index - 1].shares_sent) {
      setStep(2, 'active', t('cm.step2.sending'));
      const shares = makeEncryptedShares({
        manifest: state.loaded, secrets: trusteeSecrets(state.record), announcements: loaded,
      });
      await api(roundPath('/ceremony/shares'), { method: 'POST', body: shares });
    }
    setStep(2, 'done', t('cm.step2.done', { total }));

    // 3. our shares opened and checked, sⱼ kept, confirmed
    if (state.record.secretShare === null) {
      const received = await api(roundPath('/ceremony/shares'));
      if (received.length < total - 1) {
        setStep(3, 'active', t('cm.step3.waiting', { n: received.length, total: total - 1 }));
        return;
      }
      const values = [];
      for (const share of received) {
        const sender = Number.isSafeInteger(share?.sender) ? share.sender : null;
        try {
          const from = loaded.find((a) => a.index === sender);
          if (!from) throw new InvalidShare('addressing', `share from ${sender}`);
          values.push(openShare({
            manifest: state.loaded, secrets: trusteeSecrets(state.record), share, sender: from,
          }));
        } catch (error) {
          const check = error instanceof TallyError ? error.check : 'format';
          await complain(sender, check);
          return;
        }
      }
      const secretShare = combineSecretShare(trusteeSecrets(state.record), values);
      if (pointToHex(baseMul(secretShare)) !== publicShareFromAnnouncements(loaded, state.index)) {
        failStep(3, { key: 'cm.error.shareMismatch', code: 'share_mismatch' });
        return;
      }
      state.record = withSecretShare(state.record, secretShare);
      persist();
    }
    if (!fresh.trustees[state.index - 1].confirmed) {
      setStep(3, 'active', t('cm.step3.confirming'));
      await api(roundPath('/ceremony/confirm'), { method: 'POST', body: {} });
    }
    setStep(3, 'done', t('cm.step3.done'));
    showOnly('ceremony', 'status', 'backup');
    const confirmed = fresh.trustees.filter((x) => x.confirmed).length
      + (fresh.trustees[state.index - 1].confirmed ? 0 : 1);
    showStatus('cm.status.waitConfirm', 'wait', { n: confirmed, total });
    renderBackup();
  } finally {
    state.busy = false;
  }
}

function failStep(number, error) {
  setStep(number, 'failed', t(error.key, error.vars));
  showError(error);
  stop();
}

async function complain(accused, check) {
  state.progress.complaint = { accused, check };
  persist();
  try {
    if (accused !== null) {
      await api(roundPath('/ceremony/complaint'), { method: 'POST', body: { accused, check } });
    }
  } catch {
    /* shown anyway; the complaint is also kept on this phone */
  }
  showComplaint(state.progress.complaint);
}

function showComplaint({ accused, check }) {
  showOnly('ceremony');
  const error = {
    key: 'cm.error.badShare',
    vars: { member: accused === null ? '?' : memberLabel(accused), check: t(`cm.check.${check}`) },
    code: 'bad_share',
  };
  $('view-ceremony').dataset.accused = String(accused);
  failStep(3, error);
}

// ---- step 1: make the key -------------------------------------------------------------------

$('make-key').addEventListener('click', async () => {
  if (state.busy || state.record) return;
  state.busy = true;
  $('make-key').disabled = true;
  setStep(1, 'active', t('cm.step1.working'));
  try {
    const { secrets, announcement } = makeTrustee({ manifest: state.loaded, index: state.index });
    state.record = recordFromTrustee(state.ids, secrets);
    state.progress = { announcement };
    persist(); // kept before anything depending on it leaves the phone
    await api(roundPath('/ceremony/announcement'), { method: 'POST', body: announcement });
    setStep(1, 'done', t('cm.step1.done'));
  } catch (error) {
    transientError(error);
  } finally {
    state.busy = false;
    $('make-key').disabled = false;
  }
  tick();
});

// ---- decryption -----------------------------------------------------------------------------

async function showDecrypt(ceremony) {
  const progress = roundProgress();
  showOnly('decrypt', 'backup', ...(progress.decrypted ? ['status'] : []));
  renderBackup();
  const context = loadElection(state.manifest, ceremony.election);
  if (!state.aggregate) state.aggregate = await api(roundPath('/aggregate'));
  $('dec-meeting').textContent = meetingText();
  $('dec-round').textContent = String(state.round);
  $('dec-print').textContent = printed(context.fingerprintHex);
  $('dec-ballots').textContent = String(state.aggregate.ballot_count);
  $('decrypt').hidden = Boolean(progress.decrypted);
  if (progress.decrypted) {
    showStatus('cm.status.decrypted', 'wait', { t: state.loaded.threshold });
  }
}

$('decrypt').addEventListener('click', async () => {
  if (state.busy || !state.record?.secretShare || !state.last?.election) return;
  state.busy = true;
  const button = $('decrypt');
  button.disabled = true;
  $('decrypt-status').textContent = t('cm.decrypt.working');
  showError(null);
  try {
    const context = loadElection(state.manifest, state.last.election);
    if (pointToHex(baseMul(state.record.secretShare)) !== pointToHex(publicShare(context, state.index))) {
      showError({ key: 'cm.error.wrongKey', code: 'wrong_key' });
      return;
    }
    await new Promise((resolve) => { setTimeout(resolve, 0); }); // let the status paint
    const share = makeDecryptionShare({
      context, index: state.index, secretShare: state.record.secretShare, aggregate: state.aggregate,
    });
    let counted = false;
    try {
      counted = (await api(roundPath('/decryption'), { method: 'POST', body: share })).counted;
    } catch (error) {
      if (!(error instanceof HttpError && error.status === 409)) throw error;
      counted = error.code === 'counted';
    }
    roundProgress().decrypted = true;
    persist();
    $('decrypt-status').textContent = t('cm.decrypt.sent');
    button.hidden = true;
    if (counted) {
      showOnly('status');
      showStatus('cm.status.counted', 'ok'); // the minute to sign follows once the chair makes it
    } else {
      showOnly('decrypt', 'status', 'backup');
      showStatus('cm.status.decrypted', 'wait', { t: state.loaded.threshold });
    }
  } catch (error) {
    $('decrypt-status').textContent = '';
    transientError(error);
  } finally {
    state.busy = false;
    button.disabled = false;
  }
});

// ---- the minute -----------------------------------------------------------------------------

/** "3f2a9b1c 0d4e7a55 …": the whole digest in groups of eight, as minute.pdf prints it. */
function digestGroups(hex) {
  return String(hex).match(/.{1,8}/g)?.join(' ') ?? '';
}

/** What this phone knows and the minute must agree with (checkMinute's `expected`). */
function minuteExpectations() {
  const expected = { index: state.index, signingSeed: state.record?.signingSeed };
  if (state.last?.election) {
    expected.round = state.round;
    expected.fingerprint = loadElection(state.manifest, state.last.election).fingerprintHex;
  }
  return expected;
}

/** {digest} of a minute this phone may sign, or {refused: MinuteRefused}. */
function judgeMinute(document_) {
  try {
    return checkMinute(document_, minuteExpectations());
  } catch (error) {
    if (error instanceof MinuteRefused) return { refused: error };
    throw error;
  }
}

async function showCounted() {
  let document_ = null;
  try {
    document_ = await api('/api/minute');
  } catch (error) {
    if (!(error instanceof HttpError && error.status === 404)) throw error;
  }
  state.minute = document_;
  if (!document_) {
    showOnly('status');
    showStatus('cm.status.counted', 'ok');
    return;
  }
  renderMinute(document_);
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
      'aria-current': member.index === state.index ? 'true' : null,
    },
    el('span', { text: `${who}${member.index === state.index ? ` ${t('cm.minute.you')}` : ''}: ` }),
    el('strong', { text: `${good ? '✓ ' : ''}${t(key)}` })));
  }
  $('min-signers').replaceChildren(...items);
  return byTrustee;
}

function renderMinute(document_) {
  const judged = judgeMinute(document_);
  const digest = judged.refused ? judged.refused.computed ?? document_.digest : judged.digest;
  const shown = `${getLang()}|${document_.digest}|${canonicalJson(document_.signatures ?? [])}|${judged.refused?.check ?? ''}`;
  const mine = (document_.signatures ?? []).some((s) => s.trustee === state.index);
  const view = judged.refused ? 'refused' : mine ? 'signed' : 'unsigned';
  showOnly('status', 'minute');
  $('view-minute').dataset.state = view;
  if (state.minuteShown !== shown) {
    state.minuteShown = shown;
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
  $('sign-minute').hidden = view !== 'unsigned';
  if (view === 'refused') showStatus('cm.status.minuteRefused', 'error');
  else if (view === 'signed') {
    const count = (document_.signatures ?? []).length;
    showStatus('cm.status.signed', 'ok', { n: count, total: document_.minute.committee.length });
  } else showStatus('cm.status.toSign', 'wait');
}

$('sign-minute').addEventListener('click', async () => {
  if (state.busy || !state.minute || !state.record?.signingSeed) return;
  state.busy = true;
  const button = $('sign-minute');
  button.disabled = true;
  $('sign-status').textContent = t('cm.minute.working');
  showError(null);
  try {
    // checked again here, on exactly the document shown: the digest is the phone's own
    const body = signMinute(state.record.signingSeed, state.minute, minuteExpectations());
    try {
      await api('/api/minute/signatures', { method: 'POST', body });
    } catch (error) {
      if (!(error instanceof HttpError && error.code === 'already_signed')) throw error;
    }
    $('sign-status').textContent = t('cm.minute.sent');
    state.minute = await api('/api/minute');
    renderMinute(state.minute);
  } catch (error) {
    $('sign-status').textContent = '';
    if (error instanceof MinuteRefused) renderMinute(state.minute);
    else transientError(error);
  } finally {
    state.busy = false;
    button.disabled = false;
  }
});

// ---- backup ---------------------------------------------------------------------------------

function renderBackup() {
  $('view-backup').dataset.made = String(Boolean(state.progress.backedUp));
}

function setBackupError(key) {
  const node = $('backup-error');
  node.hidden = !key;
  node.textContent = key ? `⚠ ${t(key)}` : '';
  for (const id of ['backup-pass', 'backup-pass2']) {
    if (key) $(id).setAttribute('aria-invalid', 'true');
    else $(id).removeAttribute('aria-invalid');
  }
}

$('backup-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  if (!state.record) return;
  const pass = $('backup-pass').value;
  if (pass.length < 8) {
    setBackupError('cm.backup.tooShort');
    $('backup-pass').focus();
    return;
  }
  if (pass !== $('backup-pass2').value) {
    setBackupError('cm.backup.mismatch');
    $('backup-pass2').focus();
    return;
  }
  setBackupError(null);
  const button = $('backup-make');
  button.disabled = true;
  button.textContent = t('cm.backup.working');
  try {
    const backup = await encryptBackup(state.record, pass);
    const text = JSON.stringify(backup);
    if (state.backupUrl) URL.revokeObjectURL(state.backupUrl);
    state.backupUrl = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
    const link = $('backup-file');
    link.href = state.backupUrl;
    link.download = backupFileName(state.ids);
    const holder = $('backup-qr-code');
    holder.replaceChildren();
    try {
      holder.append(qrSvg(text, { label: t('cm.backup.qrLabel') }));
    } catch {
      holder.append(el('p', { class: 'meta', text: t('cm.backup.qrTooBig') }));
    }
    $('backup-ready').hidden = false;
    $('backup-pass').value = '';
    $('backup-pass2').value = '';
    state.progress.backedUp = true;
    persist();
    renderBackup();
    $('backup-done').focus?.();
  } catch (error) {
    transientError(error);
  } finally {
    button.disabled = false;
    button.textContent = t('cm.backup.make');
  }
});

$('backup-qr-toggle').addEventListener('click', () => {
  const figure = $('backup-qr');
  figure.hidden = !figure.hidden;
  $('backup-qr-toggle').setAttribute('aria-expanded', String(!figure.hidden));
  $('backup-qr-toggle').textContent = t(figure.hidden ? 'cm.backup.qr' : 'cm.backup.qrHide');
});

// ---- restore --------------------------------------------------------------------------------

function showRestore(reasonKey) {
  const views = ['restore'];
  if (state.last?.phase === 'ceremony') views.unshift('ceremony');
  showOnly(...views);
  $('view-restore').dataset.reason = reasonKey;
  $('restore-why').textContent = t(reasonKey);
}

function setRestoreError(key, vars) {
  const node = $('restore-error');
  node.hidden = !key;
  node.textContent = key ? `⚠ ${t(key, vars)}` : '';
}

$('restore-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  setRestoreError(null);
  const file = $('restore-file').files?.[0];
  const text = file ? await file.text() : $('restore-text').value.trim();
  if (!text) {
    setRestoreError('cm.restore.nothing');
    return;
  }
  state.busy = true;
  try {
    const record = await decryptBackup(text, $('restore-pass').value);
    const { ids } = state;
    if (record.index !== ids.index || record.round !== ids.round || record.manifestHash !== ids.manifestHash) {
      setRestoreError('cm.restore.other', { member: record.index, round: record.round });
      return;
    }
    state.record = record;
    state.progress = { backedUp: true };
    persist();
    $('restore-pass').value = '';
    $('restore-text').value = '';
    $('restore-file').value = '';
  } catch (error) {
    if (error instanceof KeystoreError) {
      setRestoreError(error.check === 'passphrase' ? 'cm.restore.wrongPass' : 'cm.restore.unreadable');
    } else {
      transientError(error);
    }
    return;
  } finally {
    state.busy = false;
  }
  tick();
});

// ---- language -------------------------------------------------------------------------------

onLangChange(() => {
  applyI18n();
  document.title = `${t('app.name')} — ${t('cm.title')}`;
  state.minuteShown = null;
  if (state.error) showError(state.error);
  if (state.status) showStatus(state.status.key, state.status.kind, state.status.vars);
  if (state.last) renderIdentity(state.last);
  if (state.progress.complaint) showComplaint(state.progress.complaint);
  else if (state.last && !state.busy && !state.stopped) advance(state.last).catch(transientError);
});

initI18n();
document.title = `${t('app.name')} — ${t('cm.title')}`;
mountLanguageSwitch($('lang'));
start();
