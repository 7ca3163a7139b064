// The chair's choice of what the next round asks (step 6): the members' rating, a confidence
// vote on chosen people (with those convened: the cell's own, or an imported list), the cell's
// self-rating (the draft score sheet, its total computed here with the same exact arithmetic as
// the server, /js/roundkinds.mjs), or yes/no decisions. chair.js asks `roundRequest()` for the
// body of POST /api/chair/rounds. A module of its own next to chair.js; it shares the session
// and the language, and reads the state chair.js announces.

import { chairFetch } from '/static/chair-session.js';
import { textEl } from '/static/dom.js';
import { computeSheet } from '/js/roundkinds.mjs';
import { levelWords } from '/js/rulewords.mjs';
import { pointsText } from '/js/kindwords.mjs';

const WORDS = {
  vi: {
    kinds: { rating: 'Đánh giá, xếp loại đảng viên', confidence: 'Lấy phiếu tín nhiệm', self_rating: 'Chi bộ tự đánh giá, xếp loại', approval: 'Biểu quyết (tán thành / không tán thành)' },
    member: '— chọn đảng viên —', other: '(người ngoài danh sách: ghi tên)', name: 'Họ và tên', position: 'Chức vụ',
    remove: 'Bỏ', addPerson: 'Thêm người', addCriterion: 'Thêm tiêu chí', addDeduction: 'Thêm điểm trừ', addBonus: 'Thêm điểm cộng',
    title: 'Tiêu chí', max: 'Điểm tối đa', points: 'Điểm tự chấm', criterion: 'Tiêu chí số', target: 'Chỉ tiêu không đạt',
    shortfall: '% không đạt', reason: 'Lý do', responsible: 'Trách nhiệm', achievement: 'Thành tích',
    total: (s) => `Tổng điểm: ${s.criteria_total} − ${s.deductions_total} + ${s.bonuses_total} = ${s.total} (thang ${s.max_total})`,
    noPerson: 'Chọn ít nhất một người để lấy phiếu tín nhiệm.', noQuestion: 'Ghi ít nhất một nội dung biểu quyết.',
    sheetError: (field, message) => `Bảng điểm chưa hợp lệ (${field}): ${message}`,
    convenedSaved: 'Đã lưu danh sách người được triệu tập.',
    convenedNow: (c) => (c.source === 'list'
      ? `Người được triệu tập: danh sách riêng, ${c.people.length} người (${c.people.filter((p) => p.present).length} có mặt).`
      : 'Người được triệu tập: đảng viên chính thức của chi bộ (số có mặt theo điểm danh).'),
  },
  en: {
    kinds: { rating: 'Members\' rating', confidence: 'Confidence vote', self_rating: "The cell's self-rating", approval: 'Yes/no decisions' },
    member: '— choose a member —', other: '(someone not on the roster: type the name)', name: 'Name', position: 'Position',
    remove: 'Remove', addPerson: 'Add a person', addCriterion: 'Add a criterion', addDeduction: 'Add a deduction', addBonus: 'Add a bonus',
    title: 'Criterion', max: 'Maximum', points: 'Self-assessed points', criterion: 'Criterion no.', target: 'Target missed',
    shortfall: '% short', reason: 'Reason', responsible: 'Responsible', achievement: 'Achievement',
    total: (s) => `Total: ${s.criteria_total} − ${s.deductions_total} + ${s.bonuses_total} = ${s.total} (of ${s.max_total})`,
    noPerson: 'Choose at least one person for the confidence vote.', noQuestion: 'Write at least one question.',
    sheetError: (field, message) => `The score sheet is not valid yet (${field}): ${message}`,
    convenedSaved: 'Those convened are saved.',
    convenedNow: (c) => (c.source === 'list'
      ? `Convened: a list of ${c.people.length} (${c.people.filter((p) => p.present).length} present).`
      : "Convened: the cell's official members (present as marked)."),
  },
};
const LABELS_EN = {
  kind: 'This round votes on',
  confidence_help: 'The people a confidence vote is taken on (those holding an office the meeting elected or assigned), one a line with their position. Each ballot chooses high confidence, confidence or low confidence; the vote is valid only with at least two thirds of those convened present.',
  add_person: 'Add a person', confidence_base: 'Shares of', base_ballots: 'The ballots cast', base_convened: 'Those convened',
  convened_source: 'Those convened', convened_cell: "The cell's official members (as marked present)",
  convened_list: 'A list of those convened', convened_save: 'Save those convened',
  convened_placeholder: 'One person a line; write "; absent" after the name of someone absent',
  sheet_help: "The cell's draft self-assessed score sheet. Deductions: 0.5 point for each 5% of a target missed, at most 2 points a target; bonuses at most 2 points each. Members approve the total and rate the cell.",
  criteria: 'Criteria', add_criterion: 'Add a criterion', deductions: 'Deductions', add_deduction: 'Add a deduction',
  bonuses: 'Bonuses', add_bonus: 'Add a bonus', proposed: "The draft's proposed level for the cell",
  questions: 'Decisions to vote on (one a line)', approval_base: 'Approved with yes from more than half of',
  base_roll: 'the official members minus those excluded', base_present: 'the official members present',
  blank: 'Allow a blank answer',
};
const $ = (id) => document.getElementById(id);

/** This module's own static labels (data-kw), in the page's language. */
function translate() {
  for (const node of document.querySelectorAll('[data-kw]')) {
    if (!node.dataset.vi) node.dataset.vi = node.textContent;
    node.textContent = lang() === 'en' ? (LABELS_EN[node.dataset.kw] ?? node.dataset.vi) : node.dataset.vi;
  }
  for (const node of document.querySelectorAll('[data-kw-placeholder]')) {
    if (!node.dataset.viPlaceholder) node.dataset.viPlaceholder = node.placeholder;
    node.placeholder = lang() === 'en' ? LABELS_EN[node.dataset.kwPlaceholder] : node.dataset.viPlaceholder;
  }
}
const lang = () => (localStorage.getItem('phieukin-lang') === 'en' ? 'en' : 'vi');
const w = () => WORDS[lang()];
let state = null;

function input(name, label, value = '', type = 'text') {
  const field = textEl('input');
  field.type = type;
  field.name = name;
  field.value = value;
  field.placeholder = label;
  field.setAttribute('aria-label', label);
  return field;
}

function removable(row) {
  const button = textEl('button', w().remove, 'secondary');
  button.type = 'button';
  button.addEventListener('click', () => { row.remove(); showTotal(); });
  row.append(button);
  return row;
}

// --- the confidence vote --------------------------------------------------------------------

/** The roster as choices of a person's select, keeping what was chosen. */
function fillMembers(select) {
  const chosen = select.value;
  select.replaceChildren(new Option(w().member, ''), new Option(w().other, 'other'),
    ...(state?.roster ?? []).map((member) => new Option(member.name, String(member.id))));
  select.value = chosen;
  if (select.value !== chosen) select.value = '';
}

function personRow() {
  const row = textEl('div', null, 'row kind-person');
  const select = textEl('select');
  select.name = 'member';
  select.setAttribute('aria-label', w().member);
  select.dataset.testid = 'kind-member';
  fillMembers(select);
  const name = input('name', w().name);
  name.hidden = true;
  select.addEventListener('change', () => { name.hidden = select.value !== 'other'; });
  row.append(select, name, input('position', w().position));
  return removable(row);
}

function confidenceBody() {
  const subjects = [...$('kind-people').querySelectorAll('.kind-person')].map((row) => {
    const member = row.querySelector('[name=member]').value;
    const position = row.querySelector('[name=position]').value.trim();
    const who = member === 'other' ? { name: row.querySelector('[name=name]').value.trim() } : { member_id: Number(member) };
    return member ? { ...who, ...(position ? { position } : {}) } : null;
  }).filter(Boolean);
  if (!subjects.length) throw new Error(w().noPerson);
  return { kind: 'confidence', subjects, base: $('kind-confidence-base').value };
}

/** The list of those convened from the text area: one name a line; "; vắng" marks absent. */
function convenedPeople() {
  return $('convened-list').value.split('\n').map((line) => line.trim()).filter(Boolean).map((line) => {
    const [name, mark] = line.split(';').map((part) => part.trim());
    return { name, present: !/^(vắng|absent)$/i.test(mark ?? '') };
  });
}

// --- the self-rating --------------------------------------------------------------------------

function criterionRow(values = {}) {
  const row = textEl('div', null, 'row kind-criterion');
  row.append(input('title', w().title, values.title ?? ''), input('max', w().max, values.max ?? ''),
    input('points', w().points, values.points ?? ''));
  return removable(row);
}

function deductionRow() {
  const row = textEl('div', null, 'row kind-deduction');
  row.append(input('criterion', w().criterion, '1', 'number'), input('target', w().target),
    input('shortfall_percent', w().shortfall), input('reason', w().reason), input('responsible', w().responsible));
  return removable(row);
}

function bonusRow() {
  const row = textEl('div', null, 'row kind-bonus');
  row.append(input('achievement', w().achievement), input('points', w().points),
    input('reason', w().reason), input('responsible', w().responsible));
  return removable(row);
}

const decimal = (text) => text.trim().replace(',', '.');

function rows(selector, read) {
  return [...$('kind-sheet').querySelectorAll(selector)].map((row) => {
    const value = (name) => row.querySelector(`[name=${name}]`).value;
    return read(value);
  });
}

/** The draft as the chair typed it (decimal commas accepted). */
function draft() {
  return {
    criteria: rows('.kind-criterion', (v) => ({ title: v('title'), max: decimal(v('max')), points: decimal(v('points')) })),
    deductions: rows('.kind-deduction', (v) => ({
      criterion: Number(v('criterion')) - 1, target: v('target'), shortfall_percent: decimal(v('shortfall_percent')),
      reason: v('reason'), responsible: v('responsible'),
    })),
    bonuses: rows('.kind-bonus', (v) => ({
      achievement: v('achievement'), points: decimal(v('points')), reason: v('reason'), responsible: v('responsible'),
    })),
    proposed_level: $('kind-proposed').value,
  };
}

function showTotal() {
  const box = $('kind-total');
  try {
    const sheet = computeSheet(draft());
    const p = (text) => pointsText(text, lang());
    box.textContent = w().total(Object.fromEntries(Object.entries(sheet).map(([k, v]) => [k, typeof v === 'string' ? p(v) : v])));
    box.classList.remove('warn');
  } catch (error) {
    box.textContent = w().sheetError(error.field ?? '', error.detail ?? error.message);
    box.classList.add('warn');
  }
}

function selfRatingBody() {
  const sheet = draft();
  try {
    computeSheet(sheet);
  } catch (error) {
    throw new Error(w().sheetError(error.field ?? '', error.detail ?? error.message));
  }
  return { kind: 'self_rating', score_sheet: sheet };
}

// --- the request ------------------------------------------------------------------------------

/** The body of POST /api/chair/rounds for the kind chosen (throws with a message if incomplete). */
export function roundRequest() {
  const kind = $('kind').value;
  let body = {};
  if (kind === 'confidence') body = confidenceBody();
  else if (kind === 'self_rating') body = selfRatingBody();
  else if (kind === 'approval') {
    const questions = $('kind-questions').value.split('\n').map((q) => q.trim()).filter(Boolean);
    if (!questions.length) throw new Error(w().noQuestion);
    body = { kind, questions, base: $('kind-approval-base').value };
  }
  if (kind !== 'rating') body.blank_allowed = $('kind-blank').checked;
  return body;
}

function showKind() {
  const kind = $('kind').value;
  for (const name of ['confidence', 'self_rating', 'approval']) $(`kind-${name}`).hidden = kind !== name;
  $('kind-blank-row').hidden = kind === 'rating';
}

function render() {
  translate();
  const select = $('kind');
  const chosen = select.value || 'rating';
  select.replaceChildren(...Object.entries(w().kinds).map(([value, label]) => new Option(label, value)));
  select.value = chosen;
  $('convened-now').textContent = w().convenedNow(state?.convened ?? { source: 'cell' });
  if (state && !$('kind-blank').dataset.touched) $('kind-blank').checked = state.options?.blank_allowed ?? true;
  showKind();
  showTotal();
}

/** Wire the section's controls (only on the chair's page; the token sheets load chair.js
 * too). */
function setup() {
  document.addEventListener('chair-state', (event) => {
    const first = state === null;
    state = event.detail;
    if (first || !$('kind-people').children.length) {
      $('kind-people').replaceChildren(personRow());
    }
    for (const select of $('kind-people').querySelectorAll('[name=member]')) fillMembers(select);
    render();
  });

  $('kind').addEventListener('change', showKind);
  $('kind-blank').addEventListener('change', () => { $('kind-blank').dataset.touched = '1'; });
  $('kind-add-person').addEventListener('click', () => $('kind-people').append(personRow()));
  $('kind-add-criterion').addEventListener('click', () => { $('kind-criteria').append(criterionRow()); showTotal(); });
  $('kind-add-deduction').addEventListener('click', () => { $('kind-deductions').append(deductionRow()); showTotal(); });
  $('kind-add-bonus').addEventListener('click', () => { $('kind-bonuses').append(bonusRow()); showTotal(); });
  $('kind-sheet').addEventListener('input', showTotal);
  $('kind-proposed').replaceChildren(...['XS', 'TOT', 'HT', 'KHT'].map((level) => new Option(`${level} — ${levelWords(level)}`, level)));
  $('kind-proposed').value = 'TOT';
  $('kind-criteria').append(criterionRow());
  $('convened-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const source = $('convened-source').value;
    const body = source === 'list' ? { source, people: convenedPeople() } : { source };
    const response = await chairFetch('/api/chair/convened', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    const answer = await response.json().catch(() => ({}));
    const flash = $('flash');
    flash.hidden = false;
    flash.classList.toggle('error', !response.ok);
    flash.textContent = response.ok ? w().convenedSaved
      : ((lang() === 'en' ? answer.message_en : answer.message) || `HTTP ${response.status}`);
    if (response.ok) {
      state = { ...state, convened: answer };
      render();
    }
  });
  $('convened-source').addEventListener('change', () => { $('convened-list').hidden = $('convened-source').value !== 'list'; });
  $('lang').addEventListener('click', () => { setTimeout(render, 0); });
}

if (document.getElementById('round-kinds')) setup();
