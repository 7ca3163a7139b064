// The chair's choice of the meeting's options within its rule profile: the base, the quorum,
// cumulative counting, each level's threshold, the reading of "good" for the excellent quota and
// whether a ballot may leave a member blank. Sends only what differs from the profile
// (POST /api/chair/options); shows the options in force in the words the minute prints
// (/js/rulewords.mjs). Locked once the first round has started (the options are then fixed in
// its manifest). A module of its own next to chair.js; it shares the session and the language.

import { chairFetch } from '/static/chair-session.js';
import { textEl } from '/static/dom.js';
import { optionWords } from '/js/rulewords.mjs';

const CHOICES = {
  vi: {
    base: { roll: 'Đảng viên chính thức trừ số được trừ', present: 'Đảng viên chính thức có mặt', valid_for_person: 'Số phiếu có đánh giá từng người' },
    quorum: { two_thirds: 'Ít nhất hai phần ba', more_than_half: 'Hơn một nửa' },
    threshold: { more_than_half: 'Quá một nửa', '2/3': 'Từ hai phần ba trở lên' },
    good: { true: 'Số đạt từ TOT trở lên (gồm XS)', false: 'Số đề xuất TOT (không tính XS)' },
    saved: 'Đã lưu cách tính.',
    locked: 'Đã bắt đầu vòng bỏ phiếu: cách tính đã cố định.',
  },
  en: {
    base: { roll: 'Official members minus those excluded', present: 'Official members present', valid_for_person: 'Ballots that rate each member' },
    quorum: { two_thirds: 'At least two thirds', more_than_half: 'More than half' },
    threshold: { more_than_half: 'More than half', '2/3': 'Two thirds or more' },
    good: { true: 'Those at TOT or better (XS included)', false: 'Those proposed TOT (XS not included)' },
    saved: 'Options saved.',
    locked: 'A round has started: the options are fixed.',
  },
};
const LEVELS = ['XS', 'TOT', 'HT', 'KHT'];
const $ = (id) => document.getElementById(id);
const lang = () => (localStorage.getItem('phieukin-lang') === 'en' ? 'en' : 'vi');
let state = null;

function fill(select, choices, value) {
  select.replaceChildren(...Object.entries(choices).map(([key, label]) => {
    const option = textEl('option', label);
    option.value = key;
    return option;
  }));
  select.value = String(value);
}

function render() {
  if (!state?.options) return;
  const words = CHOICES[lang()];
  const { options } = state;
  fill($('o-base'), words.base, options.base);
  fill($('o-quorum'), words.quorum, options.quorum);
  for (const level of LEVELS) fill($(`o-${level}`), words.threshold, options.thresholds[level]);
  fill($('o-good'), words.good, options.good_includes_excellent);
  $('o-cumulative').checked = options.cumulative;
  $('o-blank').checked = options.blank_allowed;
  const locked = state.rounds.length > 0;
  for (const field of $('options-form').elements) field.disabled = locked;
  $('options-words').replaceChildren(...optionWords(options, lang()).map((line) => textEl('li', line)));
  if (locked) $('options-words').append(textEl('li', words.locked, 'locked'));
}

/** What differs from the profile's options: the body of POST /api/chair/options. */
function overrides() {
  const chosen = {
    base: $('o-base').value,
    quorum: $('o-quorum').value,
    cumulative: $('o-cumulative').checked,
    good_includes_excellent: $('o-good').value === 'true',
    blank_allowed: $('o-blank').checked,
  };
  const profile = state.profile_options;
  const body = Object.fromEntries(Object.entries(chosen).filter(([key, value]) => profile[key] !== value));
  const thresholds = Object.fromEntries(LEVELS.map((level) => [level, $(`o-${level}`).value])
    .filter(([level, value]) => profile.thresholds[level] !== value));
  if (Object.keys(thresholds).length) body.thresholds = thresholds;
  return body;
}

async function load() {
  const response = await fetch('/api/chair/state', { cache: 'no-store', credentials: 'same-origin' });
  if (!response.ok) return;
  state = await response.json();
  render();
}

// chair.js announces every state it loads: no second request.
document.addEventListener('chair-state', (event) => {
  state = event.detail;
  render();
});

$('options-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const response = await chairFetch('/api/chair/options', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(overrides()),
  });
  const answer = await response.json().catch(() => ({}));
  const flash = $('flash');
  flash.hidden = false;
  flash.classList.toggle('error', !response.ok);
  flash.textContent = response.ok ? CHOICES[lang()].saved
    : ((lang() === 'en' ? answer.message_en : answer.message) || `HTTP ${response.status}`);
  await load();
});
$('lang').addEventListener('click', () => { setTimeout(render, 0); });
