// The language of the chair's page (its own switch, remembered in localStorage) and the lookup of
// a module's words in it: shared by the chair's page modules (chair-minute.js, chair-committee.js).

/** "vi" or "en", as the chair's switch last set it. */
export const chairLang = () => (localStorage.getItem('phieukin-lang') === 'en' ? 'en' : 'vi');

/** `t(key, …args)` over a `{vi: {…}, en: {…}}` table: a value, or a function of `args`. */
export function translator(text) {
  return (key, ...args) => {
    const value = text[chairLang()][key];
    return typeof value === 'function' ? value(...args) : value;
  };
}
