/**
 * The cell's score sheet as a phone shows it before the self-rating vote: the criteria with
 * their points, every deduction and bonus with its reason and who is responsible, and the total —
 * from the manifest's `score_sheet`, which loadManifest has already checked adds up
 * (/js/roundkinds.mjs). Built with textContent only; its labels follow the page's language
 * (`labelSheet`).
 */

import { el } from '/static/dom.js';
import { LEVEL_WORDS } from '/js/rulewords.mjs';
import { pointsText } from '/js/kindwords.mjs';

const WORDS = {
  vi: {
    title: 'Bảng điểm tự đánh giá của chi bộ',
    criterion: 'Tiêu chí',
    points: 'Điểm',
    deduction: (d, title) => `Trừ ${d.points} điểm — ${d.target} (${title}): không đạt ${d.shortfall}%; lý do: ${d.reason}; trách nhiệm: ${d.responsible}`,
    bonus: (b) => `Cộng ${b.points} điểm — ${b.achievement}; lý do: ${b.reason}; trách nhiệm: ${b.responsible}`,
    total: (s) => `Tổng: ${s.criteria} − ${s.deductions} + ${s.bonuses} = ${s.total} điểm (thang ${s.max})`,
    proposed: (level) => `Dự thảo đề xuất: ${level}`,
  },
  en: {
    title: "The cell's self-assessed score sheet",
    criterion: 'Criterion',
    points: 'Points',
    deduction: (d, title) => `−${d.points} points — ${d.target} (${title}): ${d.shortfall}% short; reason: ${d.reason}; responsible: ${d.responsible}`,
    bonus: (b) => `+${b.points} points — ${b.achievement}; reason: ${b.reason}; responsible: ${b.responsible}`,
    total: (s) => `Total: ${s.criteria} − ${s.deductions} + ${s.bonuses} = ${s.total} points (of ${s.max})`,
    proposed: (level) => `The draft proposes: ${level}`,
  },
};

let sheetShown = null;

/** Fill (or refill, after a language switch) the sheet's words inside `root`. */
export function labelSheet(root, lang = 'vi') {
  const box = root.querySelector('[data-testid="score-sheet"]');
  if (!box || !sheetShown) return;
  const words = WORDS[lang === 'en' ? 'en' : 'vi'];
  const p = (text) => pointsText(text, lang);
  const sheet = sheetShown;
  box.querySelector('.sheet-title').textContent = words.title;
  box.querySelector('.sheet-head-criterion').textContent = words.criterion;
  box.querySelector('.sheet-head-points').textContent = words.points;
  box.querySelectorAll('.sheet-deduction').forEach((item, i) => {
    const d = sheet.deductions[i];
    item.textContent = words.deduction({ ...d, points: p(d.points), shortfall: p(d.shortfall_percent) },
      sheet.criteria[d.criterion].title);
  });
  box.querySelectorAll('.sheet-bonus').forEach((item, i) => {
    const b = sheet.bonuses[i];
    item.textContent = words.bonus({ ...b, points: p(b.points) });
  });
  box.querySelector('.sheet-total').textContent = words.total({
    criteria: p(sheet.criteria_total), deductions: p(sheet.deductions_total),
    bonuses: p(sheet.bonuses_total), total: p(sheet.total), max: p(sheet.max_total),
  });
  box.querySelector('.sheet-proposed').textContent = words.proposed(
    LEVEL_WORDS[lang === 'en' ? 'en' : 'vi'][sheet.proposed_level],
  );
  box.querySelectorAll('.sheet-net').forEach((cell, i) => {
    const c = sheet.criteria[i];
    cell.textContent = `${p(c.net)}/${p(c.max)}`;
  });
}

/** The sheet's element (labelled in Vietnamese until `labelSheet` is called). */
export function scoreSheet(sheet) {
  sheetShown = sheet;
  const rows = sheet.criteria.map((c) => el('tr', {},
    el('td', { text: c.title }), el('td', { class: 'sheet-net' })));
  const box = el('section', { class: 'card score-sheet', testid: 'score-sheet' },
    el('h2', { class: 'sheet-title' }),
    el('table', { class: 'sheet-table' },
      el('thead', {}, el('tr', {}, el('th', { class: 'sheet-head-criterion' }), el('th', { class: 'sheet-head-points' }))),
      el('tbody', {}, ...rows)),
    el('ul', { class: 'sheet-items' },
      ...sheet.deductions.map(() => el('li', { class: 'sheet-deduction' })),
      ...sheet.bonuses.map(() => el('li', { class: 'sheet-bonus' }))),
    el('p', { class: 'sheet-total', testid: 'score-sheet-total' }),
    el('p', { class: 'sheet-proposed' }));
  const holder = el('div', {}, box);
  labelSheet(holder, 'vi');
  return box;
}
