// The chair's view of the counting committee: during the key ceremony each member's QR link (until
// a device claims it), key fingerprint, progress and alarm — a link opened on a second device is
// shown loudly, as on the projector — with a button to re-issue a link (a restarted server keeps
// none in memory; the old one stops working) and one to abandon the ceremony, with a reason. Once
// voting has closed on a small round, the form that records why it may still be decrypted. A
// module of its own next to chair.js; it shares only the session (cookie and CSRF token).

import { chairApi } from '/static/chair-session.js';
import { feedback, textEl } from '/static/dom.js';
import { onLangChange, t } from '/static/i18n.js';

const $ = (id) => document.getElementById(id);
let round = null;

function post(path, body) {
  return chairApi(path, { method: 'POST', body });
}

function say(message, isError = false, anchor = $('committee-message')) {
  if (anchor.id === 'committee-message') {
    anchor.textContent = message;
    anchor.classList.toggle('error', isError);
  } else feedback(anchor, message, isError);
}

function svgNode(markup) {
  const doc = new DOMParser().parseFromString(markup, 'image/svg+xml');
  return document.importNode(doc.documentElement, true);
}

function memberCard(member) {
  const card = textEl('figure', null, 'qr-card');
  card.dataset.testid = `committee-member-${member.index}`;
  card.dataset.alarm = String(member.alarm);
  if (member.qr) card.append(svgNode(member.qr));
  const state = member.confirmed ? 'confirmed' : member.announced ? 'announced' : member.claimed ? 'claimed' : 'waiting';
  const caption = textEl('figcaption', `${member.index}. ${member.name || ''} — ${t(`chair.cm.state.${state}`)}`);
  card.append(caption);
  if (member.fingerprint) {
    const key = textEl('p', t('chair.cm.key'));
    key.append(textEl('code', member.fingerprint));
    card.append(key);
  }
  if (member.alarm) card.append(textEl('p', t('chair.cm.alarm'), 'alarm'));
  if (member.link_lost) card.append(textEl('p', t('chair.cm.lost')));
  if (!member.claimed || member.link_lost) {
    const button = textEl('button', t('chair.cm.reissue'), 'secondary');
    button.type = 'button';
    button.dataset.testid = `reissue-${member.index}`;
    button.addEventListener('click', () => {
      post(`/api/chair/rounds/${round.round}/committee/${member.index}/link`, {})
        .then(refresh).catch((error) => say(error.text?.() ?? String(error), true));
    });
    card.append(button);
  }
  return card;
}

function renderCeremony() {
  const ceremony = round?.phase === 'ceremony';
  $('committee-qrs').replaceChildren(...(ceremony ? (round.committee ?? []).map(memberCard) : []));
  $('abandon-box').hidden = !ceremony;
  $('abandon-help').textContent = t('chair.cm.abandonHelp');
  $('abandon-reason-label').textContent = t('chair.cm.abandonReason');
  $('abandon').textContent = t('chair.cm.abandon');
}

function renderSmallRound() {
  const box = $('small-round');
  const tokens = round ? round.tokens.issued + round.tokens.spent : 0;
  const small = round?.phase === 'closed' && !round.override && (round.ballots < 3 || 2 * round.ballots < tokens);
  box.hidden = !small;
  if (!small) return;
  $('small-round-title').textContent = t('chair.cm.smallTitle', round);
  $('small-round-help').textContent = t('chair.cm.smallHelp');
  $('small-round-reason-label').textContent = t('chair.cm.smallReason');
  $('small-round-button').textContent = t('chair.cm.smallButton');
}

function show(state) {
  round = state.rounds?.[state.rounds.length - 1] ?? null;
  renderCeremony();
  renderSmallRound();
}

async function refresh() {
  show(await chairApi('/api/chair/state'));
}

$('abandon').addEventListener('click', () => {
  const reason = $('abandon-reason').value.trim();
  if (!reason) {
    say(t('chair.cm.reasonNeeded'), true, $('abandon'));
    return;
  }
  post(`/api/chair/rounds/${round.round}/abandon`, { reason })
    .then(() => { say(t('chair.cm.abandoned'), false, $('abandon')); $('abandon-reason').value = ''; return refresh(); })
    .catch((error) => say(error.text?.() ?? String(error), true, $('abandon')));
});
$('small-round-button').addEventListener('click', () => {
  const reason = $('small-round-reason').value.trim();
  if (!reason) {
    say(t('chair.cm.reasonNeeded'), true, $('small-round-button'));
    return;
  }
  post(`/api/chair/rounds/${round.round}/small-round`, { reason })
    .then(() => { say(t('chair.cm.smallDone'), false, $('small-round-button')); return refresh(); })
    .catch((error) => say(error.text?.() ?? String(error), true, $('small-round-button')));
});
// the chair's page (chair.js) reads the state on every change it hears of, and hands it on
document.addEventListener('chair-state', (event) => show(event.detail));
onLangChange(() => { renderCeremony(); renderSmallRound(); });
// while the committee makes the key (claims, alarms, confirmations), look again now and then
setInterval(() => { if (round?.phase === 'ceremony') refresh(); }, 2000);
