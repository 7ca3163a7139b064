// The chair's choice of the meeting's options within its rule profile: the base, the quorum,
// cumulative counting, each level's threshold, the reading of "good" for the excellent quota and
// whether a ballot may leave a member blank. Sends only what differs from the profile
// (POST /api/chair/options); shows the options in force in the words the minute prints
// (/js/rulewords.mjs). Locked once the first round has started (the options are then fixed in
// its manifest). A module of its own next to chair.js; it shares the session and the language.

import { chairApi } from '/static/chair-session.js';
import { getLang, onLangChange, t } from '/static/i18n.js';
import { feedback, textEl } from '/static/dom.js';
import { optionWords } from '/js/rulewords.mjs';

const CHOICES = {
  base: ['roll', 'present', 'valid_for_person'],
  quorum: ['two_thirds', 'more_than_half'],
  threshold: ['more_than_half', '2/3'],
  good: ['true', 'false'],
};
const LEVELS = ['XS', 'TOT', 'HT', 'KHT'];
const $ = (id) => document.getElementById(id);
let state = null;

function fill(select, name, value) {
  select.replaceChildren(...CHOICES[name].map((key) => {
    const option = textEl('option', t(`chair.op.${name}.${key}`));
    option.value = key;
    return option;
  }));
  select.value = String(value);
}

function render() {
  if (!state?.options) return;
  const { options } = state;
  fill($('o-base'), 'base', options.base);
  fill($('o-quorum'), 'quorum', options.quorum);
  for (const level of LEVELS) fill($(`o-${level}`), 'threshold', options.thresholds[level]);
  fill($('o-good'), 'good', options.good_includes_excellent);
  $('o-cumulative').checked = options.cumulative;
  $('o-blank').checked = options.blank_allowed;
  const locked = state.rounds.length > 0;
  for (const field of $('options-form').elements) field.disabled = locked;
  $('options-words').replaceChildren(...optionWords(options, getLang()).map((line) => textEl('li', line)));
  if (locked) $('options-words').append(textEl('li', t('chair.op.locked'), 'locked'));
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
  try {
    state = await chairApi('/api/chair/state');
  } catch {
    return; // the page's own refresh shows why
  }
  render();
}

// chair.js announces every state it loads: no second request.
document.addEventListener('chair-state', (event) => {
  state = event.detail;
  render();
});

$('options-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  try {
    await chairApi('/api/chair/options', { method: 'POST', body: overrides() });
    feedback(event.target, t('chair.op.saved'));
  } catch (error) {
    feedback(event.target, error.text?.() ?? String(error), true);
  }
  await load();
});
onLangChange(render);
