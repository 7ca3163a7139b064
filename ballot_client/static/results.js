/**
 * The results of a counted round, for the projector and the chair's page: per person the votes
 * per level with the percentage of the base, then the rule decision with its reasons (the caps,
 * the quota, an unresolved case), from `GET /api/rounds/{n}/results` — which answers only once
 * the committee has decrypted the count, so nothing here can show a partial result.
 *
 * DOM built with textContent only (strict CSP). Its own words, Vietnamese and English.
 */

import { textEl } from '/static/dom.js';

const WORDS = {
  vi: {
    heading: 'Kết quả kiểm phiếu — vòng {r}',
    name: 'Họ và tên',
    blank: 'Trống',
    voteLevel: 'Mức theo phiếu',
    level: 'Mức đề xuất',
    base: 'Cơ sở tính: {b} · tỷ lệ % so với cơ sở',
    invalid: 'Không đủ túc số: cuộc bỏ phiếu không hợp lệ',
    unresolved: 'Chưa xác định',
    over: 'vượt tỷ lệ XS → TOT',
    tie: 'hoà ở ranh giới tỷ lệ XS → bỏ phiếu vòng sau',
    page: 'Trang {p}/{n}',
    profile: 'Bộ quy tắc: {p}',
  },
  en: {
    heading: 'Results — round {r}',
    name: 'Name',
    blank: 'Blank',
    voteLevel: 'By the votes',
    level: 'Proposed',
    base: 'Base: {b} · percent of the base',
    invalid: 'No quorum: the vote is not valid',
    unresolved: 'Unresolved',
    over: 'over the XS quota → TOT',
    tie: 'tie at the XS quota → further round',
    page: 'Page {p}/{n}',
    profile: 'Rule profile: {p}',
  },
};
const LEVELS = ['XS', 'TOT', 'HT', 'KHT'];
// The trace lines that explain a change or a missing level (tally.rules: caps, quota, unresolved).
const REASON = /^(Hạn mức|Tỷ lệ XS|Không mức nào|Lưu ý cho cấp trên|Túc số: .*không đủ)/;

function word(lang, key, vars = {}) {
  const text = (WORDS[lang] ?? WORDS.vi)[key] ?? WORDS.vi[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? ''));
}


/** `count/base` in percent with one decimal, rounded half up with integers: "63,3" (vi). */
export function percent(count, base, lang = 'vi') {
  if (!(base > 0)) return '—';
  const tenths = Math.floor((count * 2000 + base) / (2 * base));
  return `${Math.floor(tenths / 10)}${lang === 'en' ? '.' : ','}${tenths % 10}%`;
}

export async function fetchResults(round) {
  const response = await fetch(`/api/rounds/${round}/results`, {
    cache: 'no-store', headers: { Accept: 'application/json' },
  });
  if (!response.ok) return null;
  return response.json();
}

/** One row per person: name, votes (with % of the base), vote level, proposed level, reasons. */
export function resultRows(results, lang = 'vi') {
  const decisions = results.decisions;
  const base = decisions ? decisions.base : 0;
  const bySubject = new Map((decisions?.subjects ?? []).map((s) => [s.id, s]));
  return results.questions.map((question, index) => {
    const counts = results.counts[question.id] ?? [];
    const votes = Object.fromEntries(question.options.map((o, i) => [o, counts[i] ?? 0]));
    const total = counts.reduce((a, b) => a + b, 0);
    const decision = bySubject.get(question.id);
    const reasons = (decision?.trace ?? []).filter((line) => REASON.test(line));
    const quotaLine = reasons.some((line) => line.startsWith('Tỷ lệ XS'));
    if (decision?.quota === 'over' && !quotaLine) reasons.push(word(lang, 'over'));
    if (decision?.quota === 'tie' && !quotaLine) reasons.push(word(lang, 'tie'));
    return {
      position: index + 1,
      id: question.id,
      name: question.title,
      votes,
      base,
      total,
      decision,
      reasons,
    };
  });
}

/**
 * Render the results into `container`: a heading, a table page (`page`, `perPage` rows; all when
 * `perPage` is 0) and the page indicator. Returns the number of pages.
 */
export function renderResults(container, results, { lang = 'vi', page = 0, perPage = 0 } = {}) {
  const rows = resultRows(results, lang);
  const pages = perPage > 0 ? Math.max(1, Math.ceil(rows.length / perPage)) : 1;
  const current = Math.min(page, pages - 1);
  const shown = perPage > 0 ? rows.slice(current * perPage, (current + 1) * perPage) : rows;
  const decisions = results.decisions;

  const head = textEl('div', null, 'rs-head');
  head.append(textEl('h2', word(lang, 'heading', { r: results.round }), 'rs-title'));
  const meta = [];
  if (decisions) meta.push(word(lang, 'base', { b: decisions.base }));
  if (results.profile) meta.push(word(lang, 'profile', { p: results.profile }));
  head.append(textEl('p', meta.join(' · '), 'rs-meta'));
  if (decisions && decisions.valid === false) head.append(textEl('p', word(lang, 'invalid'), 'rs-warn'));

  const table = textEl('table', null, 'rs-table');
  table.setAttribute('data-testid', 'results-table');
  const thead = textEl('thead');
  const hr = textEl('tr');
  hr.append(textEl('th', '#'), textEl('th', word(lang, 'name')));
  for (const level of LEVELS) hr.append(textEl('th', level));
  hr.append(textEl('th', word(lang, 'blank')), textEl('th', word(lang, 'voteLevel')), textEl('th', word(lang, 'level')));
  thead.append(hr);
  const tbody = textEl('tbody');
  for (const row of shown) {
    const tr = textEl('tr', null, 'rs-row');
    tr.setAttribute('data-testid', `result-${row.id}`);
    tr.append(textEl('td', String(row.position), 'rs-num'), textEl('th', row.name, 'rs-name'));
    for (const level of LEVELS) {
      const cell = textEl('td', null, 'rs-votes');
      cell.append(textEl('span', String(row.votes[level] ?? 0), 'rs-count'),
        textEl('span', percent(row.votes[level] ?? 0, row.base, lang), 'rs-pct'));
      cell.setAttribute('data-testid', `votes-${row.id}-${level}`);
      tr.append(cell);
    }
    const blank = Math.max(0, presentOf(row) - row.total);
    const blankCell = textEl('td', null, 'rs-votes');
    blankCell.append(textEl('span', String(blank), 'rs-count'), textEl('span', percent(blank, row.base, lang), 'rs-pct'));
    tr.append(blankCell);
    const d = row.decision;
    tr.append(textEl('td', d?.vote_level ?? '—', 'rs-level'));
    const final = textEl('td', d ? (d.level ?? word(lang, 'unresolved')) : '—', 'rs-level rs-final');
    final.setAttribute('data-testid', `level-${row.id}`);
    if (d) final.dataset.status = d.status;
    if (d?.quota) final.dataset.quota = d.quota;
    tr.append(final);
    tbody.append(tr);
    if (row.reasons.length) {
      const why = textEl('tr', null, 'rs-why');
      const td = textEl('td', null);
      const list = textEl('ul');
      for (const reason of row.reasons) list.append(textEl('li', reason));
      td.append(list);
      why.append(textEl('td', ''), td);
      td.colSpan = 8;
      tbody.append(why);
    }
  }
  table.append(thead, tbody);
  const foot = textEl('p', pages > 1 ? word(lang, 'page', { p: current + 1, n: pages }) : '', 'rs-page');
  foot.setAttribute('data-testid', 'results-page');
  container.replaceChildren(head, table, foot);
  return pages;
}

// The voters present are in the ballot line of the trace ("… để trống k (trên N có mặt)").
function presentOf(row) {
  const line = (row.decision?.trace ?? []).find((t) => /\(trên \d+ có mặt\)/.test(t));
  const match = line ? /\(trên (\d+) có mặt\)/.exec(line) : null;
  return match ? Number(match[1]) : row.total;
}
