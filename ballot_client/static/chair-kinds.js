// The chair's choice of what the next round asks (step 6): the members' rating, a confidence
// vote on chosen people (with those convened: the cell's own, or an imported list), the cell's
// self-rating (the draft score sheet, its total computed here with the same exact arithmetic as
// the server, /js/roundkinds.mjs), or yes/no decisions. chair.js asks `roundRequest()` for the
// body of POST /api/chair/rounds. A module of its own next to chair.js; it shares the session
// and the language, and reads the state chair.js announces.

import { chairApi } from '/static/chair-session.js';
import { feedback, textEl } from '/static/dom.js';
import { getLang, onLangChange, t } from '/static/i18n.js';
import { computeSheet } from '/js/roundkinds.mjs';
import { levelWords } from '/js/rulewords.mjs';
import { pointsText } from '/js/kindwords.mjs';

const $ = (id) => document.getElementById(id);

const KINDS = ['rating', 'confidence', 'self_rating', 'approval'];
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
  const button = textEl('button', t('kinds.chair.remove'), 'secondary');
  button.type = 'button';
  button.addEventListener('click', () => { row.remove(); showTotal(); });
  row.append(button);
  return row;
}

// --- the confidence vote --------------------------------------------------------------------

/** The roster as choices of a person's select, keeping what was chosen. */
function fillMembers(select) {
  const chosen = select.value;
  select.replaceChildren(new Option(t('kinds.chair.member'), ''), new Option(t('kinds.chair.other'), 'other'),
    ...(state?.roster ?? []).map((member) => new Option(member.name, String(member.id))));
  select.value = chosen;
  if (select.value !== chosen) select.value = '';
}

function personRow() {
  const row = textEl('div', null, 'row kind-person');
  const select = textEl('select');
  select.name = 'member';
  select.setAttribute('aria-label', t('kinds.chair.member'));
  select.dataset.testid = 'kind-member';
  fillMembers(select);
  const name = input('name', t('kinds.chair.name'));
  name.hidden = true;
  select.addEventListener('change', () => { name.hidden = select.value !== 'other'; });
  row.append(select, name, input('position', t('kinds.chair.position')));
  return removable(row);
}

function confidenceBody() {
  const subjects = [...$('kind-people').querySelectorAll('.kind-person')].map((row) => {
    const member = row.querySelector('[name=member]').value;
    const position = row.querySelector('[name=position]').value.trim();
    const who = member === 'other' ? { name: row.querySelector('[name=name]').value.trim() } : { member_id: Number(member) };
    return member ? { ...who, ...(position ? { position } : {}) } : null;
  }).filter(Boolean);
  if (!subjects.length) throw new Error(t('kinds.chair.noPerson'));
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
  row.append(input('title', t('kinds.chair.title'), values.title ?? ''), input('max', t('kinds.chair.max'), values.max ?? ''),
    input('points', t('kinds.chair.points'), values.points ?? ''));
  return removable(row);
}

function deductionRow() {
  const row = textEl('div', null, 'row kind-deduction');
  row.append(input('criterion', t('kinds.chair.criterion'), '1', 'number'), input('target', t('kinds.chair.target')),
    input('shortfall_percent', t('kinds.chair.shortfall')), input('reason', t('kinds.chair.reason')), input('responsible', t('kinds.chair.responsible')));
  return removable(row);
}

function bonusRow() {
  const row = textEl('div', null, 'row kind-bonus');
  row.append(input('achievement', t('kinds.chair.achievement')), input('points', t('kinds.chair.points')),
    input('reason', t('kinds.chair.reason')), input('responsible', t('kinds.chair.responsible')));
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
    const p = (text) => pointsText(text, getLang());
    box.textContent = t('kinds.chair.total', Object.fromEntries(Object.entries(sheet).map(([k, v]) => [k, typeof v === 'string' ? p(v) : v])));
    box.classList.remove('warn');
  } catch (error) {
    box.textContent = t('kinds.chair.sheetError', error.field ?? '', error.detail ?? error.message);
    box.classList.add('warn');
  }
}

function selfRatingBody() {
  const sheet = draft();
  try {
    computeSheet(sheet);
  } catch (error) {
    throw new Error(t('kinds.chair.sheetError', error.field ?? '', error.detail ?? error.message));
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
    if (!questions.length) throw new Error(t('kinds.chair.noQuestion'));
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
  const select = $('kind');
  const chosen = select.value || 'rating';
  select.replaceChildren(...KINDS.map((value) => new Option(t(`kinds.chair.kind.${value}`), value)));
  select.value = chosen;
  $('convened-now').textContent = t('kinds.chair.convenedNow', state?.convened ?? { source: 'cell' });
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
    try {
      const answer = await chairApi('/api/chair/convened', { method: 'POST', body });
      feedback(event.target, t('kinds.chair.convenedSaved'));
      state = { ...state, convened: answer };
      render();
    } catch (error) {
      feedback(event.target, error.text?.() ?? String(error), true);
    }
  });
  $('convened-source').addEventListener('change', () => { $('convened-list').hidden = $('convened-source').value !== 'list'; });
  onLangChange(render);
}

if (document.getElementById('round-kinds')) setup();
