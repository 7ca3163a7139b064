// The chair's page (and the buttons of the token print sheet and screen mode).
// No inline script or style (strict CSP): the page is built with DOM calls and textContent only.

import { fetchResults } from '/static/results.js';
import { chairApi, forgetCsrf, setCsrf } from '/static/chair-session.js';
import '/static/served.js';
import { feedback, textEl } from '/static/dom.js';
import { roundRequest } from '/static/chair-kinds.js';
import { kindText } from '/js/kindwords.mjs';
import {
  getLang, initI18n, mountLanguageSwitch, onLangChange, t as say,
} from '/static/i18n.js';
import { phaseName } from '/static/phases.js';

const t = say;
const $ = (id) => document.getElementById(id);


// --- print sheet and screen mode -----------------------------------------------------------------

function setupPrintSheet() {
  document.querySelector('[data-action="print"]')?.addEventListener('click', () => window.print());
}

function setupScreenMode() {
  const cards = [...document.querySelectorAll('.screen-card')];
  const counter = document.querySelector('.screen-count');
  let index = 0;
  const show = (next) => {
    if (!cards.length) return;
    index = Math.max(0, Math.min(cards.length - 1, next));
    cards.forEach((card, i) => { card.hidden = i !== index; });
    counter.textContent = `${index + 1} / ${cards.length}`;
  };
  document.querySelector('[data-action="next"]').addEventListener('click', () => show(index + 1));
  document.querySelector('[data-action="prev"]').addEventListener('click', () => show(index - 1));
  document.querySelector('[data-action="fullscreen"]').addEventListener('click', () => {
    document.documentElement.requestFullscreen?.();
  });
  document.addEventListener('keydown', (event) => {
    if (['ArrowRight', ' ', 'Enter', 'PageDown'].includes(event.key)) show(index + 1);
    if (['ArrowLeft', 'PageUp'].includes(event.key)) show(index - 1);
  });
}

// --- the chair's page -------------------------------------------------------------------------------

let state = null;

/** A request of the chair's API; a refused session shows the login form again. */
async function api(method, path, body, contentType) {
  try {
    return await chairApi(path, { method, body, contentType });
  } catch (error) {
    if (error.status === 401) showLogin();
    throw error;
  }
}

let anchorNow = null; // where the running action's feedback goes

/** The form or button the chair just used (the panel's main button by default). */
function actionAnchor() {
  const active = document.activeElement;
  if (!active || active === document.body) return $('next-action');
  return active.closest('form') ?? active;
}

/** Feedback next to the action that caused it — or next to the panel's main button when that
 * action's box has closed (a confirmation once confirmed). */
function flash(message, isError = false, anchor = anchorNow ?? actionAnchor()) {
  const shown = anchor.getClientRects().length > 0;
  feedback(shown ? anchor : $('next-action'), message, isError);
}

/** Run an action; its feedback, or its failure in the current language, shows next to it. */
async function run(action, anchor = actionAnchor()) {
  anchorNow = anchor;
  try {
    await action();
  } catch (error) {
    flash(error.text?.() ?? String(error.message ?? error), true, anchor);
  }
}

function showLogin() {
  $('login-section').hidden = false;
  $('app').hidden = true;
  $('logout').hidden = true;
}

function memberNotes(member) {
  const notes = [];
  if (member.exempted) notes.push(t('chair.exempted'));
  if (member.suspended === 'party') notes.push(t('chair.suspended_party'));
  if (member.suspended === 'committee') notes.push(t('chair.suspended_committee'));
  if (member.temporary_elsewhere) notes.push(t('chair.temporary'));
  if (member.sick_leave_months) notes.push(t('chair.sick', member.sick_leave_months));
  if (member.disciplined) notes.push(t('chair.disciplined'));
  if (member.heads) notes.push(t('chair.heads', member.heads));
  return notes.join('; ');
}

function currentRound() {
  return state && state.rounds.length ? state.rounds[state.rounds.length - 1] : null;
}

function renderMeeting() {
  const select = $('m-profile');
  if (!select.options.length) {
    for (const profile of state.profiles) {
      const option = textEl('option', `${profile.title} (${profile.label})`);
      option.value = profile.label;
      select.append(option);
    }
    select.value = state.default_profile;
  }
  if (state.meeting) {
    for (const name of ['title', 'cell', 'committee_above', 'date', 'locality', 'place', 'start_time', 'chair', 'secretary', 'purpose', 'profile']) {
      const input = $(`m-${name}`);
      if (document.activeElement !== input) input.value = state.meeting[name] ?? '';
    }
  }
}

function renderRoster() {
  const names = new Map(state.roster.map((m) => [m.id, m.name]));
  $('roster-count').textContent = t('chair.members', state.roster.length);
  const body = $('attendance-body');
  body.replaceChildren();
  for (const member of state.roster) {
    const row = textEl('tr');
    row.append(textEl('td', String(member.id)), textEl('th', member.name), textEl('td', t(`chair.${member.membership}`)),
      textEl('td', memberNotes(member)));
    const cell = textEl('td');
    const select = textEl('select');
    select.name = String(member.id);
    select.setAttribute('aria-label', `${member.name}`);
    for (const value of ['unknown', 'present', 'absent_excused', 'absent']) {
      const option = textEl('option', t(`chair.${value}`));
      option.value = value;
      if (value === 'unknown') option.disabled = true;
      select.append(option);
    }
    select.value = member.attendance;
    cell.append(select);
    row.append(cell);
    body.append(row);
  }
  // the roll
  const roll = state.roll;
  const box = $('roll');
  box.replaceChildren(textEl('p', t('chair.roll_line', roll), roll.quorum_met ? 'ok' : 'warn'));
  if (roll.excluded.length) {
    box.append(textEl('p', t('chair.excluded_title')));
    const list = textEl('ul');
    for (const entry of roll.excluded) list.append(textEl('li', `${names.get(entry.id)} — ${entry.text}`));
    box.append(list);
  }
  // rated and not rated
  const rated = $('rated-list');
  rated.replaceChildren();
  const chosen = new Set(state.rated);
  const reasons = state.rated_reasons ?? {};
  for (const id of roll.rated) {
    const label = textEl('label');
    const box2 = textEl('input');
    box2.type = 'checkbox';
    box2.value = String(id);
    box2.checked = chosen.has(id);
    label.append(box2, document.createTextNode(` ${names.get(id)}`));
    const reason = textEl('input', null, 'reason');
    reason.dataset.reasonFor = String(id);
    reason.maxLength = 300;
    reason.placeholder = t('chair.left_off_reason');
    reason.setAttribute('aria-label', `${t('chair.left_off_reason')}: ${names.get(id)}`);
    if (!chosen.has(id) && reasons[id]) reason.value = reasons[id];
    rated.append(label, reason);
  }
  const notRated = $('not-rated-list');
  notRated.replaceChildren(...roll.not_rated.map((e) => textEl('li', `${names.get(e.id)} — ${e.text}`)));
  renderCollectives();
  // committee
  const committee = $('committee-list');
  committee.replaceChildren();
  const members = new Set(state.committee ? state.committee.member_ids : []);
  for (const member of state.roster) {
    if (member.membership !== 'official' || member.suspended === 'party') continue;
    const label = textEl('label');
    const box3 = textEl('input');
    box3.type = 'checkbox';
    box3.value = String(member.id);
    box3.checked = members.has(member.id);
    label.append(box3, document.createTextNode(` ${member.name}`));
    committee.append(label);
  }
  if (state.committee) $('threshold').value = state.committee.threshold;
  renderCommitteeHead();
  $('committee-approved').checked = Boolean(state.committee?.approved);
}

/** The head (Trưởng ban) is chosen by the chair among the ticked members. */
function renderCommitteeHead() {
  const select = $('committee-head');
  const names = new Map(state.roster.map((m) => [m.id, m.name]));
  const ticked = checkedIds($('committee-list'));
  const current = Number(select.value) || state.committee?.head;
  select.replaceChildren(...ticked.map((id) => {
    const option = textEl('option', names.get(id));
    option.value = String(id);
    return option;
  }));
  if (ticked.includes(current)) select.value = String(current);
}

function renderRound() {
  const round = currentRound();
  const kind = round && !['rating', 'runoff'].includes(round.kind) ? ` — ${kindText(round.kind, getLang()).name}` : '';
  $('status-phase').textContent = round
    ? t('chair.phase_round', { phase: phaseName(round.phase), r: `${round.round}${kind}` }) : phaseName('setup');
  $('status-turnout').textContent = round
    ? `${round.ballots} / ${round.tokens.issued + round.tokens.spent}` : '0 / 0';
  $('tokens-info').textContent = round ? t('chair.tokens_info', round.tokens) : t('chair.no_round');
  const print = $('print-link');
  const screen = $('screen-link');
  if (round) {
    print.href = `/chair/rounds/${round.round}/tokens/print`;
    screen.href = `/chair/rounds/${round.round}/tokens/print?mode=screen`;
  }
  const phase = round ? round.phase : 'setup';
  $('start-round').disabled = !['setup', 'closed', 'counted', 'abandoned'].includes(phase);
  $('tokens-form').querySelector('button').disabled = phase !== 'ready';
  $('open-voting').disabled = phase !== 'ready';
  $('close-voting').disabled = phase !== 'open';
  const printable = Boolean(round) && phase === 'ready' && round.tokens_in_memory > 0;
  for (const link of [print, screen]) {
    link.classList.toggle('disabled', !printable);
    if (printable) link.removeAttribute('aria-disabled');
    else link.setAttribute('aria-disabled', 'true');
  }
  const unused = round ? round.tokens.issued : 0;
  $('cancel-unused').disabled = !(unused > 0 && (phase === 'ready' || phase === 'open'));
  $('reissue').disabled = phase !== 'ready';
  $('reissue-help').hidden = !(phase === 'ready' && unused > round.tokens_in_memory);
  $('tokens-wiped').hidden = !['open', 'closed', 'counted'].includes(phase);
}

// --- a tie at the quota boundary: the runoff round ----------------------------------------------

let runoff = null; // {round, results} of the last counted round, once fetched

/** The groups the cell's proposal (all rounds so far) leaves tied at the quota boundary, with
 * the places left (the quota minus those who already keep XS) and the tied people's names and
 * votes in the round that tied them. */
function tiedGroups(results) {
  const names = results.names?.subjects ?? {};
  const votes = (id) => {
    const question = results.questions.find((q) => q.id === id);
    if (question) return question.options.map((o, i) => `${o} ${results.counts?.[id]?.[i] ?? 0}`).join(' · ');
    for (const q of results.questions) {
      const i = q.options.indexOf(id);
      if (i >= 0) return `${results.counts?.[q.id]?.[i] ?? 0}`;
    }
    return '';
  };
  return (results.proposal?.quota ?? [])
    .filter((group) => group.tied.length)
    .map((group) => ({
      ...group,
      places: group.max_excellent - group.kept.length,
      people: group.tied.map((id) => ({ id, name: names[id] ?? id, votes: votes(id) })),
    }));
}

async function renderRunoff() {
  const round = currentRound();
  const box = $('runoff');
  if (!round || round.phase !== 'counted') {
    box.hidden = true;
    $('runoff-confirm').hidden = true;
    return;
  }
  if (!runoff || runoff.round !== round.round) {
    try {
      const results = await fetchResults(round.round);
      if (!results) return;
      runoff = { round: round.round, results };
    } catch {
      return; // shown on the next refresh
    }
  }
  if (currentRound()?.round !== runoff.round) return; // the state moved on meanwhile
  const groups = tiedGroups(runoff.results);
  box.hidden = groups.length === 0;
  box.dataset.round = String(runoff.round);
  if (!groups.length) return;
  $('runoff-title').textContent = t('chair.runoff_title', runoff.round);
  $('runoff-text').replaceChildren(...groups.flatMap((group) => [
    textEl('p', t('chair.runoff_group', group, group.group)),
    textEl('p', t('chair.runoff_places', group), 'runoff-places'),
  ]));
  $('runoff-list').replaceChildren(...groups.flatMap((group) => group.people.map((person) => {
    const item = textEl('li');
    item.dataset.question = person.id;
    item.append(textEl('strong', person.name), document.createTextNode(t('chair.runoff_votes', person.votes)));
    return item;
  })));
  const names = groups.flatMap((group) => group.people.map((person) => person.name));
  $('runoff-confirm-text').textContent = t('chair.runoff_confirm', runoff.round + 1, names);
}

/** One select per collective that a roster member heads, set to its recorded level — or to
 * the level the cell voted for itself in a counted self-rating round (for the cell's head). */
function renderCollectives() {
  const list = $('collectives-list');
  const levels = new Map((state.collectives ?? []).map((c) => [c.name, c.from_round ? `round:${c.from_round}` : c.level]));
  const voted = (state.self_ratings ?? []).filter((entry) => entry.level);
  const headed = [...new Set(state.roster.map((m) => m.heads).filter(Boolean))].sort();
  list.replaceChildren();
  if (headed.length === 0) list.append(textEl('p', t('chair.collectives_none')));
  headed.forEach((name, index) => {
    const label = textEl('label', `${name} `);
    label.htmlFor = `collective-${index}`;
    const select = textEl('select');
    select.id = `collective-${index}`;
    select.dataset.collective = name;
    const choices = [['', t('chair.collective_unset')], ...['XS', 'TOT', 'HT', 'KHT'].map((v) => [v, v]),
      ...voted.map((entry) => [`round:${entry.round}`, t('chair.collective_voted', entry)])];
    for (const [value, label] of choices) {
      const option = textEl('option', label);
      option.value = value;
      option.selected = (levels.get(name) ?? '') === value;
      select.append(option);
    }
    list.append(label, select);
  });
  $('collectives-form').hidden = headed.length === 0;
}

async function refresh() {
  state = await api('GET', '/api/chair/state');
  $('login-section').hidden = true;
  $('app').hidden = false;
  $('logout').hidden = false;
  renderStorage();
  renderMeeting();
  renderRoster();
  renderRound();
  document.dispatchEvent(new CustomEvent('chair-state', { detail: state }));
  await renderRunoff();
  document.dispatchEvent(new CustomEvent('chair-runoff'));
}

function renderStorage() {
  const storage = state.storage;
  const box = $('storage-warning');
  box.hidden = !storage?.low;
  if (storage?.low) box.textContent = t('chair.storage_low', Math.floor(storage.free_bytes / 1e6));
}

function checkedIds(container) {
  return [...container.querySelectorAll('input[type=checkbox]:checked')].map((b) => Number(b.value));
}

// The last import's row messages and notices (each in both languages), shown in the page's language.
let rosterReport = { errors: [], notices: [] };

function showRosterReport(report = rosterReport) {
  rosterReport = report;
  const message = (item) => (getLang() === 'en' ? item.message_en : item.message) || item.message;
  $('roster-error-list').replaceChildren(...report.errors.map((e) => textEl('li', message(e))));
  $('roster-errors').hidden = report.errors.length === 0;
  $('roster-notice-list').replaceChildren(...report.notices.map((n) => textEl('li', message(n))));
  $('roster-notices').hidden = report.notices.length === 0;
}

function setupChair() {
  initI18n();
  mountLanguageSwitch($('lang'));
  onLangChange(() => {
    showRosterReport();
    if (state) { renderRoster(); renderRound(); run(renderRunoff); }
  });
  $('login-form').addEventListener('submit', (event) => {
    event.preventDefault();
    run(async () => {
      const answer = await api('POST', '/api/chair/login', { secret: $('secret').value });
      setCsrf(answer.csrf);
      $('secret').value = '';
      flash(t('chair.logged_in'));
      await refresh();
    });
  });
  $('logout').addEventListener('click', () => run(async () => {
    await api('POST', '/api/chair/logout', {});
    forgetCsrf();
    showLogin();
  }));
  $('meeting-form').addEventListener('submit', (event) => {
    event.preventDefault();
    run(async () => {
      const data = Object.fromEntries(new FormData(event.target).entries());
      await api('POST', '/api/chair/meeting', data);
      flash(t('chair.saved'));
      await refresh();
    });
  });
  $('roster-form').addEventListener('submit', (event) => {
    event.preventDefault();
    run(async () => {
      const file = $('roster-file').files[0];
      if (!file) return;
      const xlsx = file.name.toLowerCase().endsWith('.xlsx');
      const type = xlsx ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv';
      try {
        const answer = await api('POST', '/api/chair/roster', await file.arrayBuffer(), type);
        showRosterReport({ errors: [], notices: answer.notices ?? [] });
        flash(t('chair.imported', answer.members));
      } catch (error) {
        if (error.body && error.body.errors) {
          showRosterReport({ errors: error.body.errors, notices: error.body.notices ?? [] });
        }
        throw error;
      }
      await refresh();
    });
  });
  $('all-present').addEventListener('click', () => {
    for (const select of $('attendance-body').querySelectorAll('select')) select.value = 'present';
  });
  $('attendance-form').addEventListener('submit', (event) => {
    event.preventDefault();
    run(async () => {
      const attendance = {};
      for (const select of $('attendance-body').querySelectorAll('select')) {
        if (select.value !== 'unknown') attendance[select.name] = select.value;
      }
      await api('POST', '/api/chair/attendance', { attendance });
      flash(t('chair.saved'));
      await refresh();
    });
  });
  $('rated-form').addEventListener('submit', (event) => {
    event.preventDefault();
    run(async () => {
      const chosen = new Set(checkedIds($('rated-list')));
      const reasons = Object.fromEntries([...$('rated-list').querySelectorAll('input[data-reason-for]')]
        .filter((input) => !chosen.has(Number(input.dataset.reasonFor)) && input.value.trim())
        .map((input) => [input.dataset.reasonFor, input.value.trim()]));
      await api('POST', '/api/chair/rated', { member_ids: [...chosen], reasons });
      flash(t('chair.saved'));
      await refresh();
    });
  });
  $('collectives-form').addEventListener('submit', (event) => {
    event.preventDefault();
    run(async () => {
      const collectives = [...$('collectives-list').querySelectorAll('select')]
        .filter((select) => select.value)
        .map((select) => (select.value.startsWith('round:')
          ? { name: select.dataset.collective, from_round: Number(select.value.slice(6)) }
          : { name: select.dataset.collective, level: select.value }));
      await api('POST', '/api/chair/collectives', { collectives });
      flash(t('chair.saved'));
      await refresh();
    });
  });
  $('committee-list').addEventListener('change', () => renderCommitteeHead());
  $('committee-form').addEventListener('submit', (event) => {
    event.preventDefault();
    run(async () => {
      await api('POST', '/api/chair/committee', {
        member_ids: checkedIds($('committee-list')),
        threshold: Number($('threshold').value),
        head: Number($('committee-head').value) || undefined,
        approved: $('committee-approved').checked,
      });
      flash(t('chair.saved'));
      await refresh();
    });
  });
  $('start-round').addEventListener('click', () => run(async () => {
    const answer = await api('POST', '/api/chair/rounds', roundRequest());
    flash(t(answer.keys_of_round ? 'chair.kind_started' : 'chair.started', answer.round));
    await refresh();
  }));
  $('runoff-start').addEventListener('click', () => {
    $('runoff-confirm').hidden = false;
    $('runoff-yes').focus();
  });
  $('runoff-no').addEventListener('click', () => { $('runoff-confirm').hidden = true; });
  $('runoff-yes').addEventListener('click', () => run(async () => {
    $('runoff-yes').disabled = true;
    try {
      const answer = await api('POST', '/api/chair/rounds', { runoff: true });
      $('runoff-confirm').hidden = true;
      flash(t('chair.runoff_started', answer.round, runoff ? tiedGroups(runoff.results).flatMap((g) => g.tied).length : 0));
      await refresh();
      $('tokens-section').scrollIntoView?.({ block: 'start' });
    } finally {
      $('runoff-yes').disabled = false;
    }
  }));
  $('tokens-form').addEventListener('submit', (event) => {
    event.preventDefault();
    run(async () => {
      const round = currentRound();
      const count = $('token-count').value;
      const body = count ? { count: Number(count) } : {};
      const answer = await api('POST', `/api/chair/rounds/${round.round}/tokens`, body);
      flash(t('chair.issued', answer.tokens.length));
      $('token-count').value = '';
      await refresh();
    });
  });
  $('cancel-form').addEventListener('submit', (event) => {
    event.preventDefault();
    run(async () => {
      const round = currentRound();
      await api('POST', `/api/chair/rounds/${round.round}/tokens/cancel`, { token: $('cancel-token').value });
      $('cancel-token').value = '';
      flash(t('chair.cancelled'));
      await refresh();
    });
  });
  let tokensAction = null;
  const askTokens = (text, action) => {
    tokensAction = action;
    $('tokens-confirm-text').textContent = text;
    $('tokens-confirm').hidden = false;
  };
  $('tokens-no').addEventListener('click', () => { $('tokens-confirm').hidden = true; });
  $('tokens-yes').addEventListener('click', () => {
    $('tokens-confirm').hidden = true;
    if (tokensAction) run(tokensAction);
  });
  $('cancel-unused').addEventListener('click', () => {
    const round = currentRound();
    askTokens(t('chair.cancel_unused_confirm', round.tokens.issued), async () => {
      const answer = await api('POST', `/api/chair/rounds/${round.round}/tokens/cancel`, { all_unused: true });
      flash(t('chair.cancelled_all', answer.cancelled.length));
      await refresh();
    });
  });
  $('reissue').addEventListener('click', () => {
    const round = currentRound();
    askTokens(t('chair.reissue_confirm', round.tokens.issued), async () => {
      const answer = await api('POST', `/api/chair/rounds/${round.round}/tokens/reissue`, {});
      flash(t('chair.reissued', answer.tokens.length, answer.cancelled));
      await refresh();
    });
  });
  $('open-voting').addEventListener('click', () => run(async () => {
    await api('POST', `/api/chair/rounds/${currentRound().round}/open`, {});
    flash(t('chair.opened'));
    await refresh();
  }));
  $('close-voting').addEventListener('click', () => {
    $('close-confirm').hidden = false;
    $('close-yes').focus();
  });
  $('close-no').addEventListener('click', () => { $('close-confirm').hidden = true; });
  $('close-yes').addEventListener('click', () => run(async () => {
    await api('POST', `/api/chair/rounds/${currentRound().round}/close`, { confirm: true });
    $('close-confirm').hidden = true;
    flash(t('chair.closed'));
    await refresh();
  }));
  // live: refresh the round's numbers whenever the server reports a change
  if (window.EventSource) {
    const source = new EventSource('/api/stream');
    source.onmessage = () => { if (state) run(refresh); };
  }
  refresh().catch(() => showLogin());
  // while the committee makes the key, follow its progress
  setInterval(() => {
    const round = currentRound();
    if (round && round.phase === 'ceremony' && !$('app').hidden) run(refresh);
  }, 3000);
}

if (document.body.classList.contains('print-sheet')) setupPrintSheet();
else if (document.body.classList.contains('token-screen')) setupScreenMode();
else setupChair();
