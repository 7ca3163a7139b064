/**
 * The one dictionary of every page, in Vietnamese (the default) and English, and the one
 * language preference they share.
 *
 * The words live in parts by page (words-public.js, words-committee.js, words-chair.js,
 * words-results.js, words-kinds.js), merged here into one table with one key space: a key is
 * defined once, and a test checks that both languages have every key and that every key a page
 * uses exists.
 *
 * `t(key, vars)` looks a key up in the current language ("{n}" placeholders are filled from
 * `vars`; a value that is a function is called with the arguments after the key);
 * `applyI18n(root)` fills every element marked `data-i18n="key"` (text) or
 * `data-i18n-<attribute>="key"` (aria-label, placeholder, title, alt); `mountLanguageSwitch(el)`
 * renders the visible VI / EN switch. The choice is remembered in localStorage under one key for
 * every page, and the `lang` attribute of the page follows it, so screen readers pronounce the
 * right language.
 */

import { CHAIR_WORDS } from '/static/words-chair.js';
import { COMMITTEE_WORDS } from '/static/words-committee.js';
import { KIND_WORDS } from '/static/words-kinds.js';
import { PUBLIC_WORDS } from '/static/words-public.js';
import { RESULT_WORDS } from '/static/words-results.js';

const STORAGE_KEY = 'phieukin.lang';
export const LANGUAGES = ['vi', 'en'];

/** The merged dictionary: WORDS[lang][key]. */
export const WORDS = Object.fromEntries(LANGUAGES.map((lang) => [lang, {
  ...PUBLIC_WORDS[lang], ...COMMITTEE_WORDS[lang], ...CHAIR_WORDS[lang], ...RESULT_WORDS[lang],
  ...KIND_WORDS[lang],
}]));

const listeners = new Set();

function stored() {
  try {
    return globalThis.localStorage?.getItem(STORAGE_KEY);
  } catch {
    return null; // storage can be disabled (private mode, some in-app browsers)
  }
}

let current = LANGUAGES.includes(stored()) ? stored() : 'vi';

/** The current language code, "vi" or "en". */
export function getLang() {
  return current;
}

/**
 * The text for `key` in language `lang`, with "{name}" filled from `args[0]`, or — for a value
 * that is a function — that function called with `args`. Falls back to Vietnamese, then to the
 * key itself (so a missing word is visible, not blank).
 * @param {string} lang
 * @param {string} key
 */
export function translate(lang, key, ...args) {
  const value = (WORDS[lang] ?? WORDS.vi)[key] ?? WORDS.vi[key] ?? key;
  if (typeof value === 'function') return value(...args);
  const vars = args[0] ?? {};
  return value.replace(/\{(\w+)\}/g, (whole, name) => (name in vars ? String(vars[name]) : whole));
}

/**
 * The text for `key` in the current language (see `translate`).
 * @param {string} key
 */
export function t(key, ...args) {
  return translate(current, key, ...args);
}

/** Whether the dictionary knows `key` (e.g. a level code from a manifest). */
export function has(key) {
  return key in WORDS.vi;
}

/** The words for an option of a manifest: a known level, or the option's own name. */
export function optionWords(option) {
  return has(`level.${option}`) ? t(`level.${option}`) : option;
}

/**
 * Fill `root`'s marked elements in the current language.
 * @param {ParentNode} [root]
 */
export function applyI18n(root = document) {
  for (const element of root.querySelectorAll('[data-i18n]')) {
    element.textContent = t(element.dataset.i18n);
  }
  for (const attribute of ['aria-label', 'placeholder', 'title', 'alt']) {
    const data = `data-i18n-${attribute}`;
    for (const element of root.querySelectorAll(`[${data}]`)) {
      element.setAttribute(attribute, t(element.getAttribute(data)));
    }
  }
}

/**
 * Switch language: remembered, `lang` attribute set, marked elements refilled, listeners told.
 * @param {string} lang
 */
export function setLang(lang) {
  if (!LANGUAGES.includes(lang)) return;
  current = lang;
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, lang);
  } catch {
    /* not remembered, still switched */
  }
  document.documentElement.lang = lang;
  applyI18n();
  for (const listener of listeners) listener(lang);
}

/** Call `listener(lang)` after every language switch (to re-render dynamic text). */
export function onLangChange(listener) {
  listeners.add(listener);
}

/**
 * Render the VI / EN switch into `container`: two real buttons with `aria-pressed`,
 * `data-testid="lang-vi"` and `data-testid="lang-en"`.
 * @param {HTMLElement} container
 */
export function mountLanguageSwitch(container) {
  container.classList.add('lang-switch');
  container.setAttribute('role', 'group');
  container.setAttribute('data-i18n-aria-label', 'lang.switch');
  container.setAttribute('aria-label', t('lang.switch'));
  container.replaceChildren();
  const buttons = LANGUAGES.map((lang) => {
    const button = document.createElement('button');
    button.type = 'button';
    button.lang = lang;
    button.dataset.testid = `lang-${lang}`;
    button.textContent = lang === 'vi' ? 'Tiếng Việt' : 'English';
    button.addEventListener('click', () => setLang(lang));
    container.append(button);
    return button;
  });
  const sync = () => {
    for (const button of buttons) button.setAttribute('aria-pressed', String(button.lang === current));
  };
  sync();
  onLangChange(sync);
}

/** Set the page's `lang` and fill its marked text; call once at start-up. */
export function initI18n() {
  document.documentElement.lang = current;
  applyI18n();
}
