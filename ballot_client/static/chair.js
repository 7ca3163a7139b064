// The chair's page (and the buttons of the token print sheet and screen mode).
// No inline script or style (strict CSP): the page is built with DOM calls and textContent only.

import { chairFetch, forgetCsrf, setCsrf } from '/static/chair-session.js';
import '/static/served.js';
import { textEl } from '/static/dom.js';
import { roundRequest } from '/static/chair-kinds.js';
import { kindText } from '/js/kindwords.mjs';

const TEXT = {
  vi: {
    phase_setup: 'Chuẩn bị', phase_ceremony: 'Tạo khóa', phase_ready: 'Sẵn sàng',
    phase_open: 'Đang bỏ phiếu', phase_closed: 'Đã kết thúc', phase_counted: 'Đã kiểm phiếu',
    phase_abandoned: 'Đã hủy lễ tạo khóa',
    official: 'Chính thức', probationary: 'Dự bị',
    present: 'Có mặt', absent_excused: 'Vắng có lý do', absent: 'Vắng không lý do',
    unknown: 'Chưa điểm danh',
    exempted: 'miễn sinh hoạt', suspended_party: 'đình chỉ sinh hoạt',
    suspended_committee: 'đình chỉ sinh hoạt cấp ủy', temporary: 'sinh hoạt tạm thời nơi khác',
    sick: (n) => `nghỉ ốm ${n} tháng`, disciplined: 'bị kỷ luật', heads: (c) => `đứng đầu ${c}`,
    roll_line: (r) => `Đảng viên chính thức: ${r.official}; dự bị: ${r.probationary}. ` +
      `Cơ sở tính: ${r.base} (trừ ${r.excluded.length}). Có mặt được bỏ phiếu: ${r.voters.length}. ` +
      `Túc số cần: ${r.quorum_required} — ${r.quorum_met ? 'ĐỦ' : 'KHÔNG ĐỦ'}.`,
    excluded_title: 'Không tính vào cơ sở:',
    logged_in: 'Đã đăng nhập.', saved: 'Đã lưu.', collective_unset: '— chưa có —',
    collectives_none: 'Không ai trong danh sách đứng đầu một tập thể.',
    collective_voted: (e) => `${e.level} — theo kết quả chi bộ tự xếp loại (vòng ${e.round})`,
    kind_started: (n) => `Đã bắt đầu vòng ${n}, dùng lại khóa của Ban kiểm phiếu. Hãy phát phiếu (bước 7) rồi mở bỏ phiếu.`,
    imported: (n) => `Đã nhập ${n} đảng viên.`,
    members: (n) => `Danh sách có ${n} đảng viên.`,
    issued: (n) => `Đã phát ${n} phiếu.`,
    tokens_info: (t) => `Chưa dùng: ${t.issued} · đã dùng: ${t.spent} · đã hủy: ${t.cancelled}`,
    cancelled: 'Đã hủy phiếu.', opened: 'Đã mở bỏ phiếu.', closed: 'Đã kết thúc bỏ phiếu.',
    cancelled_all: (n) => `Đã hủy ${n} phiếu chưa dùng.`,
    reissued: (n, old) => `Đã hủy ${old} phiếu cũ và phát ${n} phiếu mới.`,
    cancel_unused_confirm: (n) => `Hủy cả ${n} phiếu chưa dùng? Các thẻ đó sẽ không bỏ phiếu được nữa.`,
    reissue_confirm: (n) => `Hủy ${n} phiếu chưa dùng và phát một bộ thẻ mới cho mọi người được bỏ phiếu?`,
    started: (n) => `Đã bắt đầu vòng ${n}. Mời ban kiểm phiếu quét mã.`,
    no_round: 'Chưa có vòng bỏ phiếu.',
    runoff_title: (n) => `Vòng ${n}: bằng phiếu ở ranh giới tỷ lệ Hoàn thành xuất sắc nhiệm vụ`,
    runoff_group: (q, group) => `${group === 'default' ? 'Chi bộ' : `Nhóm «${group}»`}: ` +
      `được tối đa ${q.max_excellent} đồng chí ở mức Hoàn thành xuất sắc nhiệm vụ (XS)` +
      `${q.kept.length ? `, ${q.kept.length} đồng chí đã chắc chắn giữ mức này` : ''}. ` +
      `${q.tied.length} đồng chí sau có số phiếu bằng nhau ở ranh giới ` +
      `(cùng số phiếu XS và cùng số phiếu từ Hoàn thành tốt trở lên), ` +
      `nên chưa xác định được ai giữ ${Math.max(q.max_excellent - q.kept.length, 0)} chỗ còn lại:`,
    runoff_votes: (votes) => ` — số phiếu: ${votes}`,
    runoff_confirm: (n, names) => `Bắt đầu vòng ${n}, chỉ bỏ phiếu cho ${names.length} đồng chí: ` +
      `${names.join(', ')}. Mỗi người bỏ phiếu cần một phiếu (mã QR) mới. Chắc chắn bắt đầu?`,
    runoff_started: (n, count) => `Đã bắt đầu vòng ${n} (bỏ phiếu thêm cho ${count} đồng chí), ` +
      'dùng lại khóa của Ban kiểm phiếu. Hãy phát phiếu mới (bước 7) rồi mở bỏ phiếu.',
    network: 'Mất kết nối với máy chủ.',
    storage_low: (mb) => `Ổ đĩa của máy chủ sắp đầy: còn ${mb} MB. Hãy giải phóng chỗ trống; khi đầy, máy chủ từ chối ghi (không mất gì đã ghi).`,
    head: 'Trưởng ban',
    left_off_reason: 'Lý do không có tên trên phiếu (nếu bỏ chọn)',
    runoff_places: (q) => `còn ${q.places} chỗ trong tỷ lệ cho ${q.tied.length} đồng chí bằng phiếu; ` +
      `mỗi người bỏ phiếu chọn tối đa ${q.places} đồng chí.`,
  },
  en: {
    phase_setup: 'Setup', phase_ceremony: 'Key ceremony', phase_ready: 'Ready',
    phase_open: 'Voting open', phase_closed: 'Closed', phase_counted: 'Counted',
    phase_abandoned: 'Key ceremony abandoned',
    official: 'Official', probationary: 'Probationary',
    present: 'Present', absent_excused: 'Absent, excused', absent: 'Absent, no reason',
    unknown: 'Not marked',
    exempted: 'exempted', suspended_party: 'suspended',
    suspended_committee: 'suspended from committee only', temporary: 'temporary activity elsewhere',
    sick: (n) => `sick leave ${n} months`, disciplined: 'disciplined', heads: (c) => `heads ${c}`,
    roll_line: (r) => `Official members: ${r.official}; probationary: ${r.probationary}. ` +
      `Base: ${r.base} (${r.excluded.length} excluded). Present voters: ${r.voters.length}. ` +
      `Quorum needed: ${r.quorum_required} — ${r.quorum_met ? 'MET' : 'NOT MET'}.`,
    excluded_title: 'Not counted in the base:',
    logged_in: 'Logged in.', saved: 'Saved.', collective_unset: '— not set —',
    collectives_none: 'Nobody on the roster heads a collective.',
    collective_voted: (e) => `${e.level} — as the cell rated itself (round ${e.round})`,
    kind_started: (n) => `Round ${n} started with the committee's existing keys. Issue tokens (step 7), then open voting.`,
    imported: (n) => `Imported ${n} members.`,
    members: (n) => `The roster has ${n} members.`,
    issued: (n) => `Issued ${n} tokens.`,
    tokens_info: (t) => `Unused: ${t.issued} · used: ${t.spent} · cancelled: ${t.cancelled}`,
    cancelled: 'Token cancelled.', opened: 'Voting is open.', closed: 'Voting is closed.',
    cancelled_all: (n) => `Cancelled ${n} unused tokens.`,
    reissued: (n, old) => `Cancelled ${old} old tokens and issued ${n} new ones.`,
    cancel_unused_confirm: (n) => `Cancel all ${n} unused tokens? Those cards can no longer vote.`,
    reissue_confirm: (n) => `Cancel the ${n} unused tokens and issue a new set of cards for everyone entitled to vote?`,
    started: (n) => `Round ${n} started. Committee members, scan your code.`,
    no_round: 'No round yet.',
    runoff_title: (n) => `Round ${n}: a tie at the boundary of the "excellent" (XS) quota`,
    runoff_group: (q, group) => `${group === 'default' ? 'The cell' : `Group "${group}"`}: ` +
      `at most ${q.max_excellent} may be rated excellent (XS)` +
      `${q.kept.length ? `, ${q.kept.length} keep it for sure` : ''}. ` +
      `These ${q.tied.length} have equal votes at the boundary ` +
      '(the same XS votes and the same votes at "good" or better), ' +
      `so nobody can tell who takes the ${Math.max(q.max_excellent - q.kept.length, 0)} remaining place(s):`,
    runoff_votes: (votes) => ` — votes: ${votes}`,
    runoff_confirm: (n, names) => `Start round ${n}, voting only on these ${names.length}: ` +
      `${names.join(', ')}. Every voter needs a new token (QR code). Start it?`,
    runoff_started: (n, count) => `Round ${n} started (a further vote on ${count} members) ` +
      "with the committee's existing keys. Issue new tokens (step 7), then open voting.",
    network: 'Lost connection to the server.',
    storage_low: (mb) => `The server's disk is almost full: ${mb} MB left. Free some space; when it is full the server refuses to write (nothing written is lost).`,
    head: 'Head',
    left_off_reason: 'Why left off the ballot (if unticked)',
    runoff_places: (q) => `${q.places} place(s) left in the quota for ${q.tied.length} tied members; ` +
      `each voter chooses up to ${q.places} of them.`,
  },
};

// Static labels in English (the Vietnamese is in the HTML).
const LABELS_EN = {
  app_title: 'Phiếu Kín — Chair', logout: 'Log out', login_title: 'Chair login',
  secret_label: 'Chair secret (printed when the server starts)', login: 'Log in',
  nav_meeting: '1. Meeting', nav_roster: '2. Roster', nav_attendance: '3. Attendance',
  nav_rated: '4. Rated', nav_committee: '5. Committee', nav_round: '6. Round',
  nav_tokens: '7. Tokens', nav_voting: '8. Open / close',
  status_phase: 'Phase:', status_turnout: 'Received / issued:',
  meeting_title: '1. Meeting', f_title: 'Title', f_cell: 'Party cell',
  f_committee_above: 'Party committee above', f_date: 'Date', f_chair: 'Chair',
  f_secretary: 'Secretary', f_purpose: 'Purpose', f_profile: 'Rule profile', save: 'Save',
  f_locality: 'Place name (on the date line, e.g. Hà Nội)', f_place: 'Meeting room',
  f_start_time: 'Opening time',
  options_title: 'Counting options (chosen by the chair within the profile; fixed when round 1 starts)',
  o_base: 'Base of the thresholds', o_quorum: 'Quorum', o_cumulative: 'Cumulative from the highest level down',
  o_threshold_XS: 'Threshold of XS', o_threshold_TOT: 'Threshold of TOT', o_threshold_HT: 'Threshold of HT',
  o_threshold_KHT: 'Threshold of KHT', o_good: 'Excellent quota counted on', o_blank: "Allow a blank ('no rating')",
  save_options: 'Save the options', committee_head: 'Head (Trưởng ban)',
  committee_approved: 'The meeting has approved the committee by vote',
  roster_title: '2. Roster', template: 'Download the template:',
  roster_file: 'Roster file (CSV UTF-8 or XLSX)', import: 'Import roster',
  roster_errors: 'The file has errors — nothing was imported. Fix these rows and import again:',
  roster_notices: 'Skipped (not imported):',
  roster_hint: 'The file may keep title rows above the row of column names and columns of its own ' +
    '(number, birth date, notes…): they are skipped and listed. Dates as 19/05/2010, 19.05.2010 or 2010-05-19.',
  attendance_title: '3. Attendance', col_name: 'Name', col_type: 'Type', col_notes: 'Notes',
  col_attendance: 'Attendance', all_present: 'Everyone present', save_attendance: 'Save attendance',
  rated_title: '4. Who is rated', rated_legend: 'On the ballot (default: everyone rated under the rules)',
  collectives_legend: 'Level of each collective a member heads (a head is not rated above it)',
  not_rated_title: 'Not rated (and why)', committee_title: '5. Counting committee',
  committee_legend: 'Choose the members (official members)',
  threshold: 'Members needed to decrypt the result', round_title: '6. Round and key ceremony',
  round_help: 'Starting the round fixes the ballot. Each committee member scans their QR code with their phone to make the key.',
  start_round: 'Start the round', tokens_title: '7. Tokens (QR codes)',
  token_count: 'Number of tokens (empty: one per voter present)', issue: 'Issue tokens',
  print: 'Print cards (A4)', screen: 'Show one code at a time', cancel_label: 'Cancel a spare or spoiled token (type its code)',
  cancel: 'Cancel token', voting_title: '8. Open and close voting', open: 'Open voting',
  cancel_unused: 'Cancel every unused token…', reissue: 'Re-issue every card…', tokens_yes: 'Yes',
  reissue_help: 'The server restarted, so it no longer holds the codes of cards not yet printed. Press "Re-issue every card": the old tokens are cancelled (logged) and a new set is issued.',
  tokens_wiped: 'Voting has opened: the tokens were wiped from the server; they can no longer be printed or shown.',
  close: 'Close voting…', close_confirm_text: 'After closing nobody can vote any more. Close voting?',
  close_yes: 'Yes, close voting', close_no: 'Back',
  nav_minute: '9. Results / minute', minute_title: '9. Results and the minute',
  minute_number: 'Minute number (may stay empty)', make_minute: 'Make the minute',
  open_pdf: 'Open the minute (PDF)',
  runoff_help: 'The program never picks among equal votes. As the rules say, the meeting votes '
    + 'once more on these members only: new tokens are issued, the counting committee reuses the '
    + 'keys it made (no new QR scan), the round has its own section in the record, and the minute '
    + 'reports every round.',
  runoff_start: 'Vote again on the tied members', runoff_yes: 'Yes, start the further round',
};

let lang = localStorage.getItem('phieukin-lang') === 'en' ? 'en' : 'vi';
const t = (key, ...args) => {
  const value = TEXT[lang][key] ?? TEXT.vi[key] ?? key;
  return typeof value === 'function' ? value(...args) : value;
};
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

class ApiFailure extends Error {
  constructor(status, body) {
    super((lang === 'en' ? body.message_en : body.message) || `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

async function api(method, path, body, contentType = 'application/json') {
  const headers = {};
  let payload;
  if (body !== undefined) {
    headers['Content-Type'] = contentType;
    payload = contentType === 'application/json' ? JSON.stringify(body) : body;
  }
  let response;
  try {
    response = await chairFetch(path, { method, headers, body: payload });
  } catch {
    throw new ApiFailure(0, { message: TEXT.vi.network, message_en: TEXT.en.network });
  }
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    if (response.status === 401) showLogin();
    throw new ApiFailure(response.status, data);
  }
  return data;
}

function flash(message, isError = false) {
  const box = $('flash');
  box.textContent = message;
  box.classList.toggle('error', isError);
  box.hidden = false;
}

async function run(action) {
  try {
    await action();
  } catch (error) {
    flash(error.message, true);
  }
}

function showLogin() {
  $('login-section').hidden = false;
  $('app').hidden = true;
  $('logout').hidden = true;
}

function translateStatic() {
  document.documentElement.lang = lang;
  for (const node of document.querySelectorAll('[data-i18n]')) {
    if (!node.dataset.vi) node.dataset.vi = node.textContent;
    node.textContent = lang === 'en' ? (LABELS_EN[node.dataset.i18n] ?? node.dataset.vi) : node.dataset.vi;
  }
  const button = $('lang');
  button.textContent = lang === 'en' ? 'Tiếng Việt' : 'English';
  button.lang = lang === 'en' ? 'vi' : 'en';
}

function memberNotes(member) {
  const notes = [];
  if (member.exempted) notes.push(t('exempted'));
  if (member.suspended === 'party') notes.push(t('suspended_party'));
  if (member.suspended === 'committee') notes.push(t('suspended_committee'));
  if (member.temporary_elsewhere) notes.push(t('temporary'));
  if (member.sick_leave_months) notes.push(t('sick', member.sick_leave_months));
  if (member.disciplined) notes.push(t('disciplined'));
  if (member.heads) notes.push(t('heads', member.heads));
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
  $('roster-count').textContent = t('members', state.roster.length);
  const body = $('attendance-body');
  body.replaceChildren();
  for (const member of state.roster) {
    const row = textEl('tr');
    row.append(textEl('td', String(member.id)), textEl('th', member.name), textEl('td', t(member.membership)),
      textEl('td', memberNotes(member)));
    const cell = textEl('td');
    const select = textEl('select');
    select.name = String(member.id);
    select.setAttribute('aria-label', `${member.name}`);
    for (const value of ['unknown', 'present', 'absent_excused', 'absent']) {
      const option = textEl('option', t(value));
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
  box.replaceChildren(textEl('p', t('roll_line', roll), roll.quorum_met ? 'ok' : 'warn'));
  if (roll.excluded.length) {
    box.append(textEl('p', t('excluded_title')));
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
    reason.placeholder = t('left_off_reason');
    reason.setAttribute('aria-label', `${t('left_off_reason')}: ${names.get(id)}`);
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
  const kind = round && !['rating', 'runoff'].includes(round.kind) ? ` — ${kindText(round.kind, lang).name}` : '';
  $('status-phase').textContent = round ? `${t(`phase_${round.phase}`)} (${lang === 'en' ? 'round' : 'vòng'} ${round.round}${kind})` : t('phase_setup');
  $('status-turnout').textContent = round
    ? `${round.ballots} / ${round.tokens.issued + round.tokens.spent}` : '0 / 0';
  $('tokens-info').textContent = round ? t('tokens_info', round.tokens) : t('no_round');
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
  print.classList.toggle('disabled', !printable);
  screen.classList.toggle('disabled', !printable);
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
      const response = await fetch(`/api/rounds/${round.round}/results`, { cache: 'no-store' });
      if (!response.ok) return;
      runoff = { round: round.round, results: await response.json() };
    } catch {
      return; // shown on the next refresh
    }
  }
  if (currentRound()?.round !== runoff.round) return; // the state moved on meanwhile
  const groups = tiedGroups(runoff.results);
  box.hidden = groups.length === 0;
  box.dataset.round = String(runoff.round);
  if (!groups.length) return;
  $('runoff-title').textContent = t('runoff_title', runoff.round);
  $('runoff-text').replaceChildren(...groups.flatMap((group) => [
    textEl('p', t('runoff_group', group, group.group)),
    textEl('p', t('runoff_places', group), 'runoff-places'),
  ]));
  $('runoff-list').replaceChildren(...groups.flatMap((group) => group.people.map((person) => {
    const item = textEl('li');
    item.dataset.question = person.id;
    item.append(textEl('strong', person.name), document.createTextNode(t('runoff_votes', person.votes)));
    return item;
  })));
  const names = groups.flatMap((group) => group.people.map((person) => person.name));
  $('runoff-confirm-text').textContent = t('runoff_confirm', runoff.round + 1, names);
}

/** One select per collective that a roster member heads, set to its recorded level — or to
 * the level the cell voted for itself in a counted self-rating round (for the cell's head). */
function renderCollectives() {
  const list = $('collectives-list');
  const levels = new Map((state.collectives ?? []).map((c) => [c.name, c.from_round ? `round:${c.from_round}` : c.level]));
  const voted = (state.self_ratings ?? []).filter((entry) => entry.level);
  const headed = [...new Set(state.roster.map((m) => m.heads).filter(Boolean))].sort();
  list.replaceChildren();
  if (headed.length === 0) list.append(textEl('p', t('collectives_none')));
  headed.forEach((name, index) => {
    const label = textEl('label', `${name} `);
    label.htmlFor = `collective-${index}`;
    const select = textEl('select');
    select.id = `collective-${index}`;
    select.dataset.collective = name;
    const choices = [['', t('collective_unset')], ...['XS', 'TOT', 'HT', 'KHT'].map((v) => [v, v]),
      ...voted.map((entry) => [`round:${entry.round}`, t('collective_voted', entry)])];
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
}

function renderStorage() {
  const storage = state.storage;
  const box = $('storage-warning');
  box.hidden = !storage?.low;
  if (storage?.low) box.textContent = t('storage_low', Math.floor(storage.free_bytes / 1e6));
}

function checkedIds(container) {
  return [...container.querySelectorAll('input[type=checkbox]:checked')].map((b) => Number(b.value));
}

// The last import's row messages and notices (each in both languages), shown in the page's language.
let rosterReport = { errors: [], notices: [] };

function showRosterReport(report = rosterReport) {
  rosterReport = report;
  const message = (item) => (lang === 'en' ? item.message_en : item.message) || item.message;
  $('roster-error-list').replaceChildren(...report.errors.map((e) => textEl('li', message(e))));
  $('roster-errors').hidden = report.errors.length === 0;
  $('roster-notice-list').replaceChildren(...report.notices.map((n) => textEl('li', message(n))));
  $('roster-notices').hidden = report.notices.length === 0;
}

function setupChair() {
  translateStatic();
  $('lang').addEventListener('click', () => {
    lang = lang === 'en' ? 'vi' : 'en';
    localStorage.setItem('phieukin-lang', lang);
    translateStatic();
    showRosterReport();
    if (state) { renderRoster(); renderRound(); run(renderRunoff); }
  });
  $('login-form').addEventListener('submit', (event) => {
    event.preventDefault();
    run(async () => {
      const answer = await api('POST', '/api/chair/login', { secret: $('secret').value });
      setCsrf(answer.csrf);
      $('secret').value = '';
      flash(t('logged_in'));
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
      flash(t('saved'));
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
        flash(t('imported', answer.members));
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
      flash(t('saved'));
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
      flash(t('saved'));
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
      flash(t('saved'));
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
      flash(t('saved'));
      await refresh();
    });
  });
  $('start-round').addEventListener('click', () => run(async () => {
    const answer = await api('POST', '/api/chair/rounds', roundRequest());
    flash(t(answer.keys_of_round ? 'kind_started' : 'started', answer.round));
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
      flash(t('runoff_started', answer.round, runoff ? tiedGroups(runoff.results).flatMap((g) => g.tied).length : 0));
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
      flash(t('issued', answer.tokens.length));
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
      flash(t('cancelled'));
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
    askTokens(t('cancel_unused_confirm', round.tokens.issued), async () => {
      const answer = await api('POST', `/api/chair/rounds/${round.round}/tokens/cancel`, { all_unused: true });
      flash(t('cancelled_all', answer.cancelled.length));
      await refresh();
    });
  });
  $('reissue').addEventListener('click', () => {
    const round = currentRound();
    askTokens(t('reissue_confirm', round.tokens.issued), async () => {
      const answer = await api('POST', `/api/chair/rounds/${round.round}/tokens/reissue`, {});
      flash(t('reissued', answer.tokens.length, answer.cancelled));
      await refresh();
    });
  });
  $('open-voting').addEventListener('click', () => run(async () => {
    await api('POST', `/api/chair/rounds/${currentRound().round}/open`, {});
    flash(t('opened'));
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
    flash(t('closed'));
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
