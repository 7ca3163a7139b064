/**
 * The chair's control panel: the phase, the one next action as the main button, and live
 * progress with names (the setup done so far; the committee members who claimed, announced,
 * confirmed, decrypted and co-signed, with any alarm; tokens used). Setup sections fold away
 * once done and can be reopened (the round's own sections stay open); the main button either does the step itself (by pressing the
 * section's own button, so there is one code path per action) or opens the form it needs.
 * During the results it also turns the projector's pages (or pauses them).
 *
 * It reads the chair's state (announced by chair.js as a `chair-state` event) and the public
 * status (committee progress, counting), and acts only through the page's own controls.
 */

import { chairApi } from '/static/chair-session.js';
import { apiData } from '/static/api.js';
import { el } from '/static/dom.js';
import { onLangChange, t } from '/static/i18n.js';

const $ = (id) => document.getElementById(id);
let state = null;
let status = null;
let minuteMade = false;

const lastRound = () => state?.rounds?.[state.rounds.length - 1] ?? null;

/** Which setup steps are done (they fold away), from the chair's state. */
function setupDone() {
  const roster = state?.roster ?? [];
  return {
    meeting: Boolean(state?.meeting?.title && state?.meeting?.cell),
    roster: roster.length > 0,
    attendance: roster.length > 0 && roster.every((m) => m.attendance !== 'unknown'),
    rated: roster.length > 0,
    committee: Boolean(state?.committee?.approved),
  };
}

/**
 * The next action: `{key, open: section id, press: control id, focus: control id, wait}`.
 * `press` is clicked (the section's own button); `open` is unfolded and scrolled to.
 */
function nextAction() {
  const done = setupDone();
  const round = lastRound();
  if (round) return roundAction(round);
  if (!done.meeting) return { key: 'meeting', open: 'meeting-section', focus: 'm-title' };
  if (!done.roster) return { key: 'roster', open: 'roster-section', focus: 'roster-file' };
  if (!done.attendance) return { key: 'attendance', open: 'attendance-section', focus: 'all-present' };
  if (!done.committee) return { key: 'committee', open: 'committee-section', focus: 'committee-approved' };
  return { key: 'start', press: 'start-round' };
}

/** A round too small to decrypt without the chair's recorded reason (as the committee checks). */
function smallRound(round) {
  const tokens = round.tokens.issued + round.tokens.spent;
  return !round.override && (round.ballots < 3 || 2 * round.ballots < tokens);
}

/** Once a round exists, the next step is the round's (the setup is fixed in its manifest). */
function roundAction(round) {
  if (round.phase === 'abandoned') return { key: 'start', press: 'start-round' };
  const tokens = round.tokens.issued + round.tokens.spent;
  switch (round.phase) {
    case 'ceremony': return { key: 'ceremony', open: 'round-section', wait: true };
    case 'ready':
      return tokens === 0 ? { key: 'tokens', press: 'issue-tokens' } : { key: 'open', press: 'open-voting' };
    case 'open': return { key: 'close', open: 'voting-section', press: 'close-voting' };
    case 'closed':
      if (smallRound(round)) return { key: 'small', open: 'voting-section', focus: 'small-round-reason' };
      return { key: 'decrypt', wait: true };
    case 'counted':
      if (!$('runoff').hidden) return { key: 'runoff', open: 'minute-section', press: 'runoff-start' };
      if (!minuteMade) return { key: 'minute', open: 'minute-section', press: 'make-minute' };
      return { key: 'done', open: 'minute-section' };
    default: return { key: 'wait', wait: true };
  }
}

function item(text, testid, done = null, alarm = false) {
  return el('li', {
    testid, class: alarm ? 'alarm' : null, 'data-done': done === null ? null : String(done),
  }, el('span', { class: 'mark', 'aria-hidden': 'true', text: alarm ? '⚠' : done ? '✓' : '•' }), ` ${text}`);
}

/** Progress with names: setup steps, then the round's tokens and committee. */
function progress() {
  const rows = [];
  const done = setupDone();
  const round = lastRound();
  if (!round) {
    for (const step of ['meeting', 'roster', 'attendance', 'committee']) {
      rows.push(item(t(`chair.panel.step.${step}`), `progress-${step}`, done[step]));
    }
    return rows;
  }
  const tokens = round.tokens.issued + round.tokens.spent;
  if (['ready', 'open', 'closed', 'counted'].includes(round.phase)) {
    rows.push(item(t('chair.panel.tokens', { used: round.ballots, issued: tokens }), 'progress-tokens', null));
  }
  const members = status?.round === round.round ? status.committee ?? [] : [];
  const counting = status?.counting;
  if (['closed', 'counted'].includes(round.phase) && counting) {
    rows.push(item(t('chair.panel.counting', { n: counting.decrypted, t: counting.threshold }),
      'progress-counting', counting.decrypted >= counting.threshold));
  }
  for (const member of members) {
    let word = t(`chair.cm.state.${member.state}`);
    let finished = member.state === 'confirmed';
    if (['closed', 'counted'].includes(round.phase)) {
      word = member.decrypted ? t('chair.panel.decrypted') : t('chair.panel.notDecrypted');
      finished = member.decrypted;
    }
    if (round.phase === 'counted' && minuteMade) {
      word = member.signed ? t('chair.mn.signed') : t('chair.mn.unsigned');
      finished = member.signed;
    }
    const text = `${member.name || member.index} — ${word}${member.fingerprint ? ` · ${member.fingerprint}` : ''}`;
    const row = item(member.alarm ? `${text} — ${t('chair.cm.alarm')}` : text, `progress-member-${member.index}`, finished, member.alarm);
    const card = $(`committee-qrs`).querySelector(`[data-testid="reissue-${member.index}"]`);
    if (round.phase === 'ceremony' && card) {
      // a member who lost their phone (or whose link was lost): a new link, from here
      const again = el('button', {
        type: 'button', class: 'secondary small', testid: `panel-reissue-${member.index}`,
        text: t('chair.cm.reissue'), 'aria-label': `${t('chair.cm.reissue')}: ${member.name || member.index}`,
      });
      again.addEventListener('click', () => {
        $('round-section').open = true;
        card.click();
      });
      row.append(' ', again);
    }
    rows.push(row);
  }
  return rows;
}

function render() {
  if (!state) return;
  const round = lastRound();
  const action = nextAction();
  const button = $('next-action');
  button.textContent = t(`chair.panel.action.${action.key}`);
  button.dataset.action = action.key;
  button.disabled = Boolean(action.wait) && !action.open;
  $('panel-help').textContent = t(`chair.panel.help.${action.key}`, {
    n: status?.counting?.decrypted ?? 0, t: status?.counting?.threshold ?? 0,
  });
  $('panel-progress').replaceChildren(...progress());
  // setup sections fold away once done (the chair can reopen them); the step at hand opens
  const done = setupDone();
  for (const [step, finished] of Object.entries(done)) {
    const section = $(`${step}-section`);
    section.dataset.done = String(finished);
    if (!section.dataset.touched) section.open = !finished && action.open === section.id;
  }
  const projector = $('panel-projector');
  projector.hidden = round?.phase !== 'counted';
  const paused = Boolean(status?.projector?.paused);
  $('pj-pause').textContent = t(paused ? 'chair.projector_resume' : 'chair.projector_pause');
  $('pj-pause').setAttribute('aria-pressed', String(paused));
}

/** The main button: do the step, or open the form it needs. */
function act() {
  const action = nextAction();
  const old = $('next-action').nextElementSibling; // the last step's feedback is done with
  if (old?.classList.contains('feedback')) old.hidden = true;
  if (action.open) {
    const section = $(action.open);
    section.open = true;
    section.style.scrollMarginTop = `${$('panel').offsetHeight + 8}px`; // not under the panel
    section.scrollIntoView?.({ block: 'start' });
  }
  if (action.press) $(action.press).click();
  else if (action.focus) $(action.focus)?.focus();
}

async function loadStatus() {
  try {
    status = await apiData('/api/status');
  } catch {
    return;
  }
  if (status.phase === 'counted') {
    minuteMade = await apiData('/api/minute').then(() => true, () => false);
  }
  render();
}

async function turnProjector(change) {
  const current = status?.projector ?? { page: 0, paused: false };
  const next = { ...current, ...change(current) };
  try {
    status = { ...status, projector: await chairApi('/api/chair/projector', { method: 'POST', body: next }) };
  } catch {
    /* the next status shows what is in force */
  }
  render();
}

$('next-action').addEventListener('click', act);
$('pj-prev').addEventListener('click', () => turnProjector((p) => ({ page: Math.max(0, p.page - 1), paused: true })));
$('pj-next').addEventListener('click', () => turnProjector((p) => ({ page: p.page + 1, paused: true })));
$('pj-pause').addEventListener('click', () => turnProjector((p) => ({ paused: !p.paused })));
for (const section of document.querySelectorAll('details.step')) {
  // a section the chair opens or closes by hand stays as the chair left it
  section.querySelector('summary').addEventListener('click', () => { section.dataset.touched = 'true'; });
}
// chair.js tells when it has drawn the tie at the quota boundary (after fetching the results)
document.addEventListener('chair-runoff', render);
document.addEventListener('chair-state', (event) => {
  state = event.detail;
  render();
  loadStatus();
});
onLangChange(render);
