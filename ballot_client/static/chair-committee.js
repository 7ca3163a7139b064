// The chair's view of the counting committee: during the key ceremony each member's QR link (until
// a device claims it), key fingerprint, progress and alarm — a link opened on a second device is
// shown loudly, as on the projector — with a button to re-issue a link (a restarted server keeps
// none in memory; the old one stops working) and one to abandon the ceremony, with a reason. Once
// voting has closed on a small round, the form that records why it may still be decrypted. A
// module of its own next to chair.js; it shares only the session (cookie and CSRF token).

import { chairFetch } from '/static/chair-session.js';
import { chairLang, translator } from '/static/chair-text.js';
import { textEl } from '/static/dom.js';

const TEXT = {
  vi: {
    state: {
      waiting: 'chưa nhận đường dẫn', claimed: 'đã nhận đường dẫn', announced: 'đã tạo khóa',
      confirmed: 'đã xác nhận mã khóa',
    },
    key: 'Mã khóa: ',
    alarm: '⚠ CẢNH BÁO: đường dẫn đã được mở trên một thiết bị khác. Hỏi ngay đồng chí này.',
    lost: 'Đường dẫn không còn trong bộ nhớ máy chủ (máy chủ đã khởi động lại): cấp lại.',
    reissue: 'Cấp lại đường dẫn',
    abandonHelp: 'Nếu một thành viên mất điện thoại trước khi sao lưu, gửi phần khóa sai, hoặc cần thay người: hủy lễ tạo khóa (ghi lý do), sửa ban kiểm phiếu nếu cần, rồi bắt đầu lại vòng.',
    abandonReason: 'Lý do hủy lễ tạo khóa',
    abandon: 'Hủy lễ tạo khóa',
    abandoned: 'Đã hủy lễ tạo khóa.',
    smallTitle: (r) => `Vòng ${r.round} có ít phiếu: ${r.ballots} phiếu trên ${r.tokens.issued + r.tokens.spent} mã phiếu.`,
    smallHelp: 'Ban kiểm phiếu chỉ giải mã khi chủ tọa ghi lý do; mỗi thành viên thấy số phiếu và lý do trước khi giải mã.',
    smallReason: 'Lý do',
    smallButton: 'Ghi lý do cho phép giải mã',
    smallDone: 'Đã ghi lý do.',
    reasonNeeded: 'Cần ghi lý do.',
  },
  en: {
    state: {
      waiting: 'link not yet claimed', claimed: 'link claimed', announced: 'key made',
      confirmed: 'key fingerprint confirmed',
    },
    key: 'Key fingerprint: ',
    alarm: '⚠ WARNING: this link was opened on another device. Ask this member now.',
    lost: 'The link is no longer in the server\'s memory (it restarted): re-issue it.',
    reissue: 'Re-issue the link',
    abandonHelp: 'If a member lost their phone before saving the backup, sent a wrong share, or must be replaced: abandon the ceremony (with the reason), change the committee if needed, and start the round again.',
    abandonReason: 'Why the ceremony is abandoned',
    abandon: 'Abandon the key ceremony',
    abandoned: 'The key ceremony was abandoned.',
    smallTitle: (r) => `Round ${r.round} has few ballots: ${r.ballots} for ${r.tokens.issued + r.tokens.spent} voting codes.`,
    smallHelp: 'The committee decrypts it only with a reason recorded by the chair; every member sees the numbers and the reason first.',
    smallReason: 'Reason',
    smallButton: 'Record the reason to allow decryption',
    smallDone: 'Reason recorded.',
    reasonNeeded: 'A reason is needed.',
  },
};
const $ = (id) => document.getElementById(id);
const lang = chairLang;
const t = translator(TEXT);
let round = null;

async function post(path, body) {
  const response = await chairFetch(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error((lang() === 'en' ? answer.message_en : answer.message) || `HTTP ${response.status}`);
  return answer;
}

function say(message, isError = false) {
  const box = $('committee-message');
  box.textContent = message;
  box.classList.toggle('error', isError);
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
  const caption = textEl('figcaption', `${member.index}. ${member.name || ''} — ${t('state')[state]}`);
  card.append(caption);
  if (member.fingerprint) {
    const key = textEl('p', t('key'));
    key.append(textEl('code', member.fingerprint));
    card.append(key);
  }
  if (member.alarm) card.append(textEl('p', t('alarm'), 'alarm'));
  if (member.link_lost) card.append(textEl('p', t('lost')));
  if (!member.claimed || member.link_lost) {
    const button = textEl('button', t('reissue'), 'secondary');
    button.type = 'button';
    button.dataset.testid = `reissue-${member.index}`;
    button.addEventListener('click', () => {
      post(`/api/chair/rounds/${round.round}/committee/${member.index}/link`, {})
        .then(refresh).catch((error) => say(error.message, true));
    });
    card.append(button);
  }
  return card;
}

function renderCeremony() {
  const ceremony = round?.phase === 'ceremony';
  $('committee-qrs').replaceChildren(...(ceremony ? (round.committee ?? []).map(memberCard) : []));
  $('abandon-box').hidden = !ceremony;
  $('abandon-help').textContent = t('abandonHelp');
  $('abandon-reason-label').textContent = t('abandonReason');
  $('abandon').textContent = t('abandon');
}

function renderSmallRound() {
  const box = $('small-round');
  const tokens = round ? round.tokens.issued + round.tokens.spent : 0;
  const small = round?.phase === 'closed' && (round.ballots < 3 || 2 * round.ballots < tokens);
  box.hidden = !small;
  if (!small) return;
  $('small-round-title').textContent = t('smallTitle', round);
  $('small-round-help').textContent = t('smallHelp');
  $('small-round-reason-label').textContent = t('smallReason');
  $('small-round-button').textContent = t('smallButton');
}

function show(state) {
  round = state.rounds?.[state.rounds.length - 1] ?? null;
  renderCeremony();
  renderSmallRound();
}

async function refresh() {
  const response = await chairFetch('/api/chair/state');
  if (response.ok) show(await response.json());
}

$('abandon').addEventListener('click', () => {
  const reason = $('abandon-reason').value.trim();
  if (!reason) {
    say(t('reasonNeeded'), true);
    return;
  }
  post(`/api/chair/rounds/${round.round}/abandon`, { reason })
    .then(() => { say(t('abandoned')); $('abandon-reason').value = ''; return refresh(); })
    .catch((error) => say(error.message, true));
});
$('small-round-button').addEventListener('click', () => {
  const reason = $('small-round-reason').value.trim();
  if (!reason) {
    say(t('reasonNeeded'), true);
    return;
  }
  post(`/api/chair/rounds/${round.round}/small-round`, { reason })
    .then(() => { say(t('smallDone')); return refresh(); })
    .catch((error) => say(error.message, true));
});
// the chair's page (chair.js) reads the state on every change it hears of, and hands it on
document.addEventListener('chair-state', (event) => show(event.detail));
$('lang').addEventListener('click', () => { setTimeout(() => { renderCeremony(); renderSmallRound(); }, 0); });
// while the committee makes the key (claims, alarms, confirmations), look again now and then
setInterval(() => { if (round?.phase === 'ceremony') refresh(); }, 2000);
