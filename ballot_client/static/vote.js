/**
 * The phone ballot (`/v#t=TOKEN&r=ROUND`).
 *
 * The token lives only in the URL fragment and in this page's memory: it never crosses the
 * network. The page derives the token's public identity from it (`tokenIdentity`: an Ed25519
 * key and the token hash, PROTOCOL.md §6) and sends only the token hash to `token-status`.
 * Steps: load the round's manifest and election and the token's state → one screen of members
 * with the four levels → review (Android Back returns to the ballot, choices kept) → seal, then
 * cast or audit (`vote-cast.js`) → receipt with the tracker code.
 *
 * The choices are kept in memory only (never stored: a phone passed to a neighbour must not show
 * them). The sealed ballot is kept in memory until cast, so that a lost connection can be
 * answered with "Gửi lại", which resends the SAME ballot: the server answers the same ballot on
 * the same token with 200 and the same receipt, so resending is idempotent.
 */

import '/static/served.js';
import { el } from '/static/dom.js';
import {
  electionCode, loadElection, normalizeToken, tokenIdentity,
} from '/js/index.mjs';
import {
  applyI18n, getLang, initI18n, mountLanguageSwitch, onLangChange, optionWords, t,
} from '/static/i18n.js';
import { kindText, optionText, roundKind } from '/js/kindwords.mjs';
import { labelSheet, scoreSheet } from '/static/score-sheet.js';
import { HttpError, NetworkError, api } from '/static/vote-api.js';
import {
  dropSealed, flushAudits, initCasting, recoverReceipt, relabelCasting, seal,
} from '/static/vote-cast.js';

const $ = (id) => document.getElementById(id);
const VIEWS = ['loading', 'entry', 'state', 'ballot', 'review', 'working', 'sealed', 'audited', 'receipt'];
const BARS = {
  ballot: 'bar-ballot', review: 'bar-review', sealed: 'bar-sealed', audited: 'bar-audited',
};

/** Everything the page knows; the choices never leave memory. */
const state = {
  token: null,        // normalized token (never sent)
  tokenHash: null,    // 64 hex: the token's public identity sent to the server
  round: null,
  manifest: null,
  election: null,
  context: null,      // loaded election (validated)
  meeting: {},
  choices: [],        // per question: option index, 'blank', a list of indices (a runoff), or undefined
  sealed: null,       // {ballot, nonces, selected} until cast (then forgotten) or audited
  localCode: null,    // tracker code computed on this phone
  view: 'loading',
  stateKey: null,     // which blocking message is shown
  stream: null,
  busy: false,
  rerender: [],       // functions re-filling dynamic text after a language switch
};

// ---- small helpers ------------------------------------------------------------------------


function show(view) {
  state.view = view;
  for (const name of VIEWS) $(`view-${name}`).hidden = name !== view;
  for (const [name, id] of Object.entries(BARS)) $(id).hidden = name !== view;
  document.body.dataset.view = view; // a hook for tests and for the layout
}

function focusTop(element) {
  window.scrollTo(0, 0);
  (element ?? $('main')).focus({ preventScroll: true });
}

function parseFragment() {
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  return { token: params.get('t'), round: params.get('r') };
}

function setFragment() {
  const params = new URLSearchParams();
  if (state.token) params.set('t', state.token);
  if (state.round) params.set('r', String(state.round));
  // replaceState: no history entry, no hashchange, nothing sent to the server.
  history.replaceState(null, '', `${location.pathname}#${params.toString()}`);
}


// ---- errors ------------------------------------------------------------------------------

/**
 * Show an error (or a clear() with no argument). `actions`: [{label, testid, run}].
 */
function showError(error) {
  const region = $('error-region');
  region.replaceChildren();
  if (!error) return;
  const box = el('div', { class: 'notice error', testid: 'error', 'data-code': error.code ?? 'error' },
    el('strong', { class: 'notice-title', text: error.message }));
  if (error.detail) box.append(el('p', { text: error.detail }));
  if (error.reference) {
    box.append(el('p', { class: 'reference', testid: 'error-reference', text: t('vote.reference', { ref: error.reference }) }));
  }
  if (error.actions?.length) {
    const actions = el('div', { class: 'actions' });
    for (const action of error.actions) {
      const button = el('button', { class: 'button', type: 'button', testid: action.testid, text: action.label });
      button.addEventListener('click', action.run);
      actions.append(button);
    }
    box.append(actions);
  }
  region.append(box);
  region.scrollIntoView?.({ block: 'nearest' });
}

// ---- start: token, round, election, token state --------------------------------------------

async function start() {
  showError(null);
  const fragment = parseFragment();
  if (!state.token && fragment.token) {
    try {
      state.token = normalizeToken(fragment.token);
    } catch {
      showEntry(fragment.token, t('entry.invalid'));
      return;
    }
  }
  if (!state.token) {
    showEntry('');
    return;
  }
  state.tokenHash = tokenIdentity(state.token).hashHex;
  if (!state.round && /^\d{1,4}$/.test(fragment.round ?? '')) state.round = Number(fragment.round);
  show('loading');
  try {
    if (!state.round) {
      const { data } = await api('/api/status');
      state.meeting = data.meeting ?? {};
      if (!data.round) {
        showState('noRound');
        waitForOpen();
        return;
      }
      state.round = data.round;
    }
    setFragment();
    const [election, token] = await Promise.all([
      api(`/api/rounds/${state.round}/election`),
      api(`/api/rounds/${state.round}/token-status`, { method: 'POST', body: { token_hash: state.tokenHash } }),
    ]);
    state.manifest = election.data.manifest;
    state.election = election.data.election;
    state.meeting = { ...state.meeting, ...(state.manifest?.meeting ?? {}) };
    await decide(election.data.phase, token.data.state);
  } catch (error) {
    failLoad(error);
  }
}

async function decide(phase, tokenState) {
  if (tokenState === 'spent') {
    // This phone may have cast it and lost the answer: then its receipt is shown again.
    if (await recoverReceipt()) return;
    showState('spent');
    flushAudits();
    return;
  }
  if (tokenState === 'cancelled' || tokenState === 'unknown') {
    showState(tokenState);
    flushAudits(); // nothing will be cast from here: audits kept from before can go now
    return;
  }
  if (phase === 'ceremony' || phase === 'ready' || !state.election) {
    showState('notOpen');
    waitForOpen();
    return;
  }
  if (phase !== 'open') {
    showState('closed');
    flushAudits();
    return;
  }
  try {
    state.context = loadElection(state.manifest, state.election);
  } catch (error) {
    showState(null);
    showError({ code: 'bad_election', message: t('error.badElection'), detail: String(error?.message ?? error) });
    return;
  }
  renderBallot();
  watchPhase();
}

function failLoad(error) {
  if (error instanceof HttpError && error.status === 429) {
    showState('unknown');
    showError({ code: error.code, message: error.text(), reference: error.reference });
    return;
  }
  if (error instanceof HttpError && error.status === 404) {
    showState('noRound');
    return;
  }
  show('state');
  showState(null);
  showError({
    code: error.code ?? 'load',
    message: error instanceof NetworkError ? t('error.network') : t('error.load'),
    detail: error instanceof HttpError ? error.text() : undefined,
    reference: error.reference,
    actions: [{ label: t('vote.reload'), testid: 'reload-error', run: () => start() }],
  });
}

// ---- blocking states ----------------------------------------------------------------------

const STATE_STYLE = {
  notOpen: 'wait', closed: 'error', spent: 'error', cancelled: 'error', unknown: 'error', noRound: 'wait',
};

function showState(key, reference) {
  state.stateKey = key;
  state.stateReference = reference;
  if (!reference) delete $('view-state').dataset.error;
  const ref = $('state-reference');
  ref.hidden = !reference;
  ref.textContent = reference ? t('vote.reference', { ref: reference }) : '';
  show('state');
  const box = $('state-box');
  box.hidden = key === null;
  if (key === null) return;
  box.className = `notice ${STATE_STYLE[key] ?? ''}`;
  box.dataset.state = key;
  $('view-state').dataset.state = key;
  $('state-title').textContent = t(`state.${key}.title`);
  $('state-body').textContent = t(`state.${key}.body`);
  $('state-reload').hidden = !['notOpen', 'noRound'].includes(key);
  $('state-other').hidden = !['spent', 'cancelled', 'unknown'].includes(key);
  focusTop($('state-title'));
}

/**
 * Follow the live status (one EventSource for the page): when voting opens while a "not open
 * yet" message is shown, open the ballot; when it closes while the voter is still choosing,
 * say so at once rather than at submission.
 */
function watchPhase() {
  if (state.stream || !('EventSource' in window)) return;
  const source = new EventSource('/api/stream');
  source.onmessage = (event) => {
    let message;
    try {
      message = JSON.parse(event.data);
    } catch {
      return;
    }
    if (state.round && message.round !== state.round) return;
    if (message.phase === 'open' && state.view === 'state' && ['notOpen', 'noRound'].includes(state.stateKey)) {
      start();
    } else if (message.phase !== 'open' && message.phase !== 'ready' && message.phase !== 'ceremony'
        && (state.view === 'ballot' || state.view === 'review')) {
      showError(null);
      showState('closed');
    }
  };
  state.stream = source;
}

function waitForOpen() {
  watchPhase();
}

function stopWaiting() {
  state.stream?.close();
  state.stream = null;
}

// ---- token entry --------------------------------------------------------------------------

function showEntry(value, problem) {
  show('entry');
  const input = $('entry-token');
  input.value = value ?? '';
  setEntryProblem(problem);
  input.focus();
}

function setEntryProblem(problem) {
  const input = $('entry-token');
  const message = $('entry-error');
  message.hidden = !problem;
  message.textContent = problem ? `⚠ ${problem}` : '';
  if (problem) input.setAttribute('aria-invalid', 'true');
  else input.removeAttribute('aria-invalid');
}

$('entry-form').addEventListener('submit', (event) => {
  event.preventDefault();
  let token;
  try {
    token = normalizeToken($('entry-token').value);
  } catch {
    setEntryProblem(t('entry.invalid'));
    $('entry-token').focus();
    return;
  }
  state.token = token;
  start();
});

$('state-reload').addEventListener('click', () => start());
$('state-other').addEventListener('click', () => {
  state.token = null;
  state.tokenHash = null;
  history.replaceState(null, '', `${location.pathname}${state.round ? `#r=${state.round}` : ''}`);
  showEntry('');
});

// ---- the ballot ---------------------------------------------------------------------------

function questions() {
  return state.manifest.questions;
}

/** The words of the round's kind (confidence, self-rating, yes/no), or null for a rating or a
 * runoff, whose words are the page's own. */
function kindWords() {
  const kind = roundKind(state.manifest);
  return ['rating', 'runoff'].includes(kind) ? null : kindText(kind, getLang());
}

function wordsOf(option) {
  return optionText(option, getLang()) ?? optionWords(option);
}

function choiceText(question, choice) {
  if (choice === 'blank') return kindWords()?.blank ?? t('level.blank.long');
  if (Array.isArray(choice)) {
    return choice.length ? choice.map((i) => question.option_titles[i]).join(', ') : t('vote.runoff.none');
  }
  const option = question.options[choice];
  if (optionText(option)) return wordsOf(option);
  return optionWords(option) === option ? option : `${option} — ${optionWords(option)}`;
}

function answeredCount() {
  return state.choices.filter((c) => c !== undefined).length;
}

function renderBallot() {
  const list = questions();
  if (state.choices.length !== list.length) state.choices = list.map(() => undefined);
  const container = $('questions');
  container.replaceChildren();
  if (state.manifest.score_sheet) container.append(scoreSheet(state.manifest.score_sheet));
  list.forEach((question, q) => {
    if (Array.isArray(question.option_titles)) {
      container.append(choiceQuestion(question, q, list.length));
      return;
    }
    const id = question.id;
    const legend = el('legend', {},
      el('span', { class: 'qnum', 'data-qnum': String(q + 1) }),
      el('span', { class: 'qname', text: question.title || id }));
    const options = el('div', { class: 'options' });
    const values = question.options.map((option, index) => ({ option, value: String(index) }));
    if (question.min_selections === 0) values.push({ option: 'blank', value: 'blank' });
    for (const { option, value } of values) {
      const input = el('input', {
        type: 'radio', name: `q-${id}`, value, testid: `radio-${id}-${option}`,
      });
      input.checked = value === String(state.choices[q]);
      input.addEventListener('change', () => {
        if (value === 'blank') confirmBlank(question, q);
        else choose(q, Number(value));
      });
      const label = el('label', {
        class: `option${option === 'blank' ? ' blank' : ''}`, testid: `option-${id}-${option}`, 'data-option': option,
      },
      input,
      el('span', { class: 'option-text' },
        el('span', { class: 'code', text: option === 'blank' ? '—' : option, hidden: Boolean(optionText(option)) }),
        el('span', { class: 'words', 'data-option': option })),
      el('span', { class: 'tick', 'aria-hidden': 'true' }));
      options.append(label);
    }
    const status = el('p', { class: 'qstatus', id: `status-${id}`, testid: `status-${id}` });
    const fieldset = el('fieldset', {
      class: 'question', id: `q-${id}`, testid: `question-${id}`, 'aria-describedby': `status-${id}`,
    }, legend, options, blankConfirm(question), status);
    container.append(fieldset);
  });
  relabelBallot();
  show('ballot');
  focusTop($('ballot-title'));
}

/**
 * "Không đánh giá" is a real answer (a blank counts against the member), so it is asked twice:
 * choosing it opens this confirmation, and only "Xác nhận" records it.
 */
function blankConfirm(question) {
  const box = el('div', { class: 'notice blank-confirm', id: `blank-${question.id}`, testid: `blank-confirm-${question.id}`, hidden: true });
  const text = el('p', { class: 'blank-confirm-text' });
  const yes = el('button', { class: 'button small', type: 'button', testid: `blank-yes-${question.id}` });
  const no = el('button', { class: 'button secondary small', type: 'button', testid: `blank-no-${question.id}` });
  box.append(text, el('div', { class: 'actions' }, yes, no));
  return box;
}

function confirmBlank(question, q) {
  const box = $(`blank-${question.id}`);
  const [yes, no] = box.querySelectorAll('button');
  const name = question.title || question.id;
  const words = kindWords();
  box.querySelector('.blank-confirm-text').textContent = words
    ? words.confirm.replace('{name}', name) : t('vote.blank.confirm', { name });
  yes.textContent = words ? words.blank : t('vote.blank.yes');
  no.textContent = t('vote.blank.no');
  box.hidden = false;
  const close = () => { box.hidden = true; };
  yes.onclick = () => { close(); choose(q, 'blank'); };
  no.onclick = () => {
    close();
    const previous = state.choices[q];
    for (const input of $(`q-${question.id}`).querySelectorAll('input[type=radio]')) {
      input.checked = previous !== undefined && input.value === String(previous);
    }
    updateQuestion(question, q);
  };
  yes.focus();
}

/**
 * A runoff question: the members tied at the quota boundary, each a checkbox; the voter chooses
 * up to max_selections of them (the places left), or explicitly none.
 */
function choiceQuestion(question, q, total) {
  const id = question.id;
  const legend = el('legend', {},
    el('span', { class: 'qnum', 'data-qnum': String(q + 1) }),
    el('span', { class: 'qname', text: question.title || id }));
  const limit = el('p', { class: 'qlimit', 'data-limit': String(question.max_selections), testid: `limit-${id}` });
  const options = el('div', { class: 'options choose' });
  const chosen = new Set(Array.isArray(state.choices[q]) ? state.choices[q] : []);
  question.option_titles.forEach((name, index) => {
    const input = el('input', { type: 'checkbox', name: `q-${id}`, value: String(index), testid: `check-${id}-${question.options[index]}` });
    input.checked = chosen.has(index);
    input.addEventListener('change', () => {
      const picked = [...options.querySelectorAll('input[type=checkbox]:checked')].map((box) => Number(box.value));
      choose(q, picked);
    });
    options.append(el('label', { class: 'option', testid: `option-${id}-${question.options[index]}` },
      input, el('span', { class: 'option-text' }, el('span', { class: 'code', text: name })),
      el('span', { class: 'tick', 'aria-hidden': 'true' })));
  });
  const none = el('button', { class: 'button secondary small', type: 'button', testid: `none-${id}` });
  none.addEventListener('click', () => {
    for (const box of options.querySelectorAll('input[type=checkbox]')) box.checked = false;
    choose(q, []);
  });
  const status = el('p', { class: 'qstatus', id: `status-${id}`, testid: `status-${id}` });
  return el('fieldset', {
    class: 'question', id: `q-${id}`, testid: `question-${id}`, 'aria-describedby': `status-${id}`,
    'data-total': String(total),
  }, legend, limit, options, none, status);
}

/** Fill every language-dependent text of the ballot (also after a language switch). */
function relabelBallot() {
  if (!state.manifest) return;
  const list = questions();
  const words = kindWords();
  if (words) {
    $('ballot-title').textContent = words.title;
    $('view-ballot').querySelector('.intro').textContent = `${words.intro} ${t('vote.intro.secret')}`;
  }
  $('view-ballot').dataset.kind = roundKind(state.manifest);
  const meeting = [state.meeting.title, state.meeting.cell].filter(Boolean).join(' · ');
  $('ballot-meeting').textContent = [meeting, t('vote.round', { r: state.round })].filter(Boolean).join(' — ');
  // the same code the projector shows: the voter can see the phone encrypts for this election
  $('ballot-election').textContent = state.context ? electionCode(state.context.fingerprint) : '';
  for (const span of document.querySelectorAll('#questions .qnum')) {
    span.textContent = t('vote.question.number', { i: span.dataset.qnum, total: list.length });
  }
  for (const span of document.querySelectorAll('#questions .words')) {
    const { option } = span.dataset;
    span.textContent = option === 'blank' ? (words?.blank ?? t('level.blank.long')) : wordsOf(option);
    if (wordsOf(option) === option) span.hidden = true; // an unknown option name: shown once, as the code
  }
  for (const tick of document.querySelectorAll('#questions .tick')) tick.textContent = `✓ ${t('vote.selected')}`;
  for (const limit of document.querySelectorAll('#questions .qlimit')) {
    limit.textContent = t('vote.runoff.limit', { max: limit.dataset.limit });
  }
  for (const question of list) {
    const none = $(`q-${question.id}`)?.querySelector('button[data-testid^="none-"]');
    if (none) none.textContent = t('vote.runoff.none');
  }
  list.forEach((question, q) => updateQuestion(question, q));
  labelSheet($('questions'), getLang());
  updateProgress();
}

function updateQuestion(question, q) {
  const fieldset = $(`q-${question.id}`);
  if (!fieldset) return;
  const choice = state.choices[q];
  const answered = choice !== undefined;
  fieldset.classList.toggle('answered', answered);
  fieldset.classList.remove('missing');
  fieldset.dataset.answered = String(answered);
  const picked = Array.isArray(choice) ? choice.length : 0;
  for (const label of fieldset.querySelectorAll('label.option')) {
    const input = label.querySelector('input');
    label.classList.toggle('is-selected', input.checked);
    if (input.type === 'checkbox') input.disabled = !input.checked && picked >= question.max_selections;
  }
  const status = $(`status-${question.id}`);
  status.textContent = answered ? `✓ ${t('vote.question.chosen', { choice: choiceText(question, choice) })}` : t('vote.question.none');
}

function updateProgress() {
  const total = questions().length;
  const n = answeredCount();
  $('progress').textContent = t('vote.progress', { n, total });
  $('progress-meter').style.width = `${total ? (100 * n) / total : 0}%`;
}

function choose(q, choice) {
  state.choices[q] = choice;
  updateQuestion(questions()[q], q);
  updateProgress();
  if (answeredCount() === questions().length) showError(null);
}

$('to-review').addEventListener('click', () => {
  const missing = questions().map((question, q) => (state.choices[q] === undefined ? q : -1)).filter((q) => q >= 0);
  if (missing.length) {
    for (const q of missing) $(`q-${questions()[q].id}`).classList.add('missing');
    showError({ code: 'incomplete', message: t('vote.missing', { n: missing.length }) });
    const first = $(`q-${questions()[missing[0]].id}`);
    first.scrollIntoView({ block: 'start' });
    first.querySelector('input').focus({ preventScroll: true });
    return;
  }
  showError(null);
  renderReview();
  history.pushState({ phieukin: 'review' }, ''); // Android Back returns to the ballot
});

// ---- review -------------------------------------------------------------------------------

function renderReview() {
  const list = $('review-list');
  list.replaceChildren();
  questions().forEach((question, q) => {
    const name = question.title || question.id;
    const edit = el('button', {
      class: 'button secondary small', type: 'button', testid: `review-edit-${question.id}`,
      'aria-label': t('vote.review.editFor', { name }), text: t('vote.review.edit'),
    });
    edit.addEventListener('click', () => {
      show('ballot');
      const fieldset = $(`q-${question.id}`);
      fieldset.scrollIntoView({ block: 'start' });
      (fieldset.querySelector('input:checked') ?? fieldset.querySelector('input')).focus({ preventScroll: true });
    });
    list.append(el('li', { class: 'review-row', testid: `review-${question.id}` },
      el('span', { class: 'review-name', text: name }),
      el('span', { class: 'review-choice', 'data-choice': String(state.choices[q]), text: choiceText(question, state.choices[q]) }),
      edit));
  });
  show('review');
  focusTop($('view-review'));
}

/** Back to the ballot with every choice kept (from the review, a sealed or an audited ballot). */
function backToBallot() {
  dropSealed();
  showError(null);
  show('ballot');
  focusTop($('ballot-title'));
}

$('back').addEventListener('click', () => {
  if (history.state?.phieukin === 'review') history.back(); // the popstate below shows the ballot
  else backToBallot();
});

window.addEventListener('popstate', () => {
  if (['review', 'sealed', 'audited'].includes(state.view)) backToBallot();
  else if (state.view === 'working') history.pushState({ phieukin: 'working' }, ''); // wait
});

$('submit').addEventListener('click', () => seal());

// ---- sealing, casting, auditing (vote-cast.js) ------------------------------------------

function setWorking(fraction, text) {
  $('working-status').textContent = text;
  const meter = $('working-meter');
  meter.setAttribute('aria-valuenow', String(Math.round(fraction * 100)));
  meter.querySelector('span').style.width = `${fraction * 100}%`;
}

initCasting({ state, show, showError, showState, focusTop, setWorking, choiceText });

// ---- receipt ------------------------------------------------------------------------------

$('receipt-copy').addEventListener('click', async () => {
  const code = $('receipt-code').textContent;
  let done = false;
  try {
    if (navigator.clipboard?.writeText) {
      await navigator.clipboard.writeText(code);
      done = true;
    }
  } catch {
    done = false;
  }
  if (!done) {
    // Plain HTTP has no async clipboard; the old copy command still works there.
    const area = el('textarea', { readonly: true, class: 'visually-hidden' });
    area.value = code;
    document.body.append(area);
    area.select();
    try {
      done = document.execCommand('copy');
    } catch {
      done = false;
    }
    area.remove();
  }
  $('receipt-copied').textContent = done ? t('vote.receipt.copied') : '';
});

// ---- language -----------------------------------------------------------------------------

onLangChange(() => {
  applyI18n();
  document.title = `${t('app.name')} — ${t('vote.title')}`;
  if (state.view === 'ballot' || state.view === 'review') relabelBallot();
  if (state.view === 'review') renderReview();
  relabelCasting();
  if (state.view === 'state' && state.stateKey) {
    $('state-title').textContent = t(`state.${state.stateKey}.title`);
    $('state-body').textContent = t(`state.${state.stateKey}.body`);
    if (state.stateReference) $('state-reference').textContent = t('vote.reference', { ref: state.stateReference });
  }
  if (state.view === 'entry' && !$('entry-error').hidden) setEntryProblem(t('entry.invalid'));
  if (state.view === 'ballot' || state.view === 'review' || state.view === 'working') {
    // keep the progress and bar texts in the chosen language; errors are re-shown on next action
  }
});

window.addEventListener('hashchange', () => {
  const fragment = parseFragment();
  if (fragment.token && fragment.token !== state.token && !state.busy) {
    state.token = null;
    state.round = null;
    dropSealed();
    start();
  }
});

initI18n();
document.title = `${t('app.name')} — ${t('vote.title')}`;
mountLanguageSwitch($('lang'));
start();
