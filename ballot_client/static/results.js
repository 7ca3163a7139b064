/**
 * The results of a counted round, for the projector and the chair's page, from
 * `GET /api/rounds/{n}/results` — which answers only once the committee has decrypted the count,
 * so nothing here can show a partial result.
 *
 * A rating round: per person the votes per level with the percentage of the base, blank answers,
 * the level the votes give and the cell's proposal with its reasons. A runoff round (a further
 * vote among members tied at the quota boundary): per tied member how many ballots chose them
 * and the outcome, then the cell's proposal for everyone across the rounds. A round of another
 * kind (a confidence vote, yes/no decisions, the cell's self-rating) is shown by results-kinds.js.
 * Every reason is rendered from the rule engine's steps by /js/rulewords.mjs — the words the
 * minute prints.
 *
 * DOM built with textContent only (strict CSP). Its own words, Vietnamese and English.
 */

import { textEl } from '/static/dom.js';
import { isKindRound, renderKindResults } from '/static/results-kinds.js';
import {
  levelWords, percentText, REASON_CODES, renderStep,
} from '/js/rulewords.mjs';

const WORDS = {
  vi: {
    heading: 'Kết quả kiểm phiếu — vòng {r}',
    runoffHeading: 'Kết quả bỏ phiếu thêm — vòng {r}',
    proposalHeading: 'Đề xuất của chi bộ sau vòng {r}',
    name: 'Họ và tên',
    blank: 'Không đánh giá',
    voteLevel: 'Theo phiếu',
    level: 'Đề xuất',
    chosen: 'Được chọn',
    outcome: 'Kết quả',
    base: 'Cơ sở tính: {b} · tỷ lệ % so với cơ sở',
    ballots: 'Phiếu thu về: {n}/{p}',
    notCast: '{n} người có mặt không bỏ phiếu',
    invalid: 'Không đủ túc số: cuộc bỏ phiếu không hợp lệ',
    unresolved: 'Chưa xác định',
    pending: 'Chờ kết quả xếp loại công chức',
    tie: 'bằng phiếu ở ranh giới tỷ lệ, chờ bỏ phiếu thêm',
    kept: 'Giữ mức xuất sắc',
    over: 'Đề xuất hoàn thành tốt',
    stillTied: 'Vẫn bằng phiếu',
    page: 'Trang {p}/{n}',
    profile: 'Bộ quy tắc: {p}',
  },
  en: {
    heading: 'Results — round {r}',
    runoffHeading: 'Further vote — round {r}',
    proposalHeading: "The cell's proposal after round {r}",
    name: 'Name',
    blank: 'No rating',
    voteLevel: 'By the votes',
    level: 'Proposed',
    chosen: 'Chosen',
    outcome: 'Outcome',
    base: 'Base: {b} · percent of the base',
    ballots: 'Ballots received: {n}/{p}',
    notCast: '{n} present cast no ballot',
    invalid: 'No quorum: the vote is not valid',
    unresolved: 'Unresolved',
    pending: 'Waiting for the civil-service rating',
    tie: 'tied at the quota boundary, further vote',
    kept: 'Keeps excellent',
    over: 'Proposed good',
    stillTied: 'Still tied',
    page: 'Page {p}/{n}',
    profile: 'Rule profile: {p}',
  },
};
const LEVELS = ['XS', 'TOT', 'HT', 'KHT'];

function word(lang, key, vars = {}) {
  const text = (WORDS[lang] ?? WORDS.vi)[key] ?? WORDS.vi[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? ''));
}


export async function fetchResults(round) {
  const response = await fetch(`/api/rounds/${round}/results`, {
    cache: 'no-store', headers: { Accept: 'application/json' },
  });
  if (!response.ok) return null;
  return response.json();
}

/** The sentences that explain a subject's proposal: caps, quota (when it changed something or
 * left a tie), runoff, unresolved, pending — from its steps. */
export function reasonLines(steps, lang = 'vi', names = null) {
  return (steps ?? [])
    .filter((step) => REASON_CODES.includes(step.code) && step.rule !== 'quota.kept')
    .map((step) => renderStep(step, lang, names));
}

function isRunoff(results) {
  return results.questions.some((q) => Array.isArray(q.option_titles));
}

function proposalOf(results) {
  return new Map((results.proposal?.subjects ?? []).map((s) => [s.id, s]));
}

/** One row per person of a rating round: name, votes, blank, vote level, proposal, reasons. */
export function resultRows(results, lang = 'vi') {
  const decisions = results.decisions;
  const bySubject = new Map((decisions?.subjects ?? []).map((s) => [s.id, s]));
  const proposal = proposalOf(results);
  const ballots = results.roll?.ballots ?? results.roll?.present ?? 0;
  return results.questions.map((question, index) => {
    const counts = results.counts[question.id] ?? [];
    const votes = Object.fromEntries(question.options.map((o, i) => [o, counts[i] ?? 0]));
    const total = counts.reduce((a, b) => a + b, 0);
    const decision = bySubject.get(question.id);
    const final = proposal.get(question.id) ?? decision;
    const baseStep = decision?.steps?.find((s) => s.code === 'base');
    return {
      kind: 'rating',
      position: index + 1,
      id: question.id,
      name: question.title,
      votes,
      base: baseStep?.values.base ?? decisions?.base ?? 0,
      blank: Math.max(0, ballots - total),
      decision,
      final,
      reasons: reasonLines(final?.steps ?? decision?.steps, lang, results.names),
    };
  });
}

/** The rows of a runoff round: the tied members with how often they were chosen, then the
 * cell's proposal for everyone. */
export function runoffRows(results, lang = 'vi') {
  const decided = new Map((results.decisions?.subjects ?? []).map((s) => [s.id, s]));
  const ballots = results.roll?.ballots ?? 0;
  const rows = [];
  for (const question of results.questions) {
    question.options.forEach((option, i) => {
      rows.push({
        kind: 'candidate',
        id: option,
        name: question.option_titles[i],
        chosen: results.counts[question.id]?.[i] ?? 0,
        ballots,
        decision: decided.get(option),
      });
    });
  }
  (results.proposal?.subjects ?? []).forEach((subject, index) => {
    rows.push({
      kind: 'proposal',
      position: index + 1,
      id: subject.id,
      name: results.names?.subjects?.[subject.id] ?? subject.id,
      final: subject,
      reasons: reasonLines(subject.steps, lang, results.names),
    });
  });
  return rows;
}

function finalText(final, lang) {
  if (!final) return '—';
  if (final.status === 'unresolved') return word(lang, 'unresolved');
  if (final.status === 'pending') return word(lang, 'pending');
  return final.level ?? '—';
}

function levelCell(final, lang, id) {
  const cell = textEl('td', finalText(final, lang), 'rs-level rs-final');
  cell.setAttribute('data-testid', `level-${id}`);
  if (final) {
    cell.dataset.status = final.status;
    cell.title = levelWords(final.level, lang);
  }
  if (final?.quota) cell.dataset.quota = final.quota;
  return cell;
}

/** A row under a person's row: the reasons, one line each (also for results-kinds.js). */
export function reasonRow(reasons, span) {
  const why = textEl('tr', null, 'rs-why');
  const td = textEl('td', null);
  const list = textEl('ul');
  for (const reason of reasons) list.append(textEl('li', reason));
  td.append(list);
  td.colSpan = span;
  why.append(textEl('td', ''), td);
  return why;
}

function ratingTable(rows, lang) {
  const table = textEl('table', null, 'rs-table');
  table.setAttribute('data-testid', 'results-table');
  const hr = textEl('tr');
  hr.append(textEl('th', '#'), textEl('th', word(lang, 'name')));
  for (const level of LEVELS) hr.append(textEl('th', level));
  hr.append(textEl('th', word(lang, 'blank')), textEl('th', word(lang, 'voteLevel')), textEl('th', word(lang, 'level')));
  const thead = textEl('thead');
  thead.append(hr);
  const tbody = textEl('tbody');
  for (const row of rows) {
    const tr = textEl('tr', null, 'rs-row');
    tr.setAttribute('data-testid', `result-${row.id}`);
    tr.append(textEl('td', String(row.position), 'rs-num'), textEl('th', row.name, 'rs-name'));
    for (const level of LEVELS) {
      const cell = textEl('td', null, 'rs-votes');
      cell.append(textEl('span', String(row.votes[level] ?? 0), 'rs-count'),
        textEl('span', percentText(row.votes[level] ?? 0, row.base, lang), 'rs-pct'));
      cell.setAttribute('data-testid', `votes-${row.id}-${level}`);
      tr.append(cell);
    }
    const blank = textEl('td', null, 'rs-votes');
    blank.setAttribute('data-testid', `blank-${row.id}`);
    blank.append(textEl('span', String(row.blank), 'rs-count'), textEl('span', percentText(row.blank, row.base, lang), 'rs-pct'));
    tr.append(blank, textEl('td', row.decision?.vote_level ?? '—', 'rs-level'), levelCell(row.final, lang, row.id));
    tbody.append(tr);
    if (row.reasons.length) tbody.append(reasonRow(row.reasons, 8));
  }
  table.append(thead, tbody);
  return table;
}

function runoffTables(rows, lang, round) {
  const parts = [];
  const candidates = rows.filter((r) => r.kind === 'candidate');
  if (candidates.length) {
    const table = textEl('table', null, 'rs-table');
    table.setAttribute('data-testid', 'runoff-table');
    const hr = textEl('tr');
    hr.append(textEl('th', word(lang, 'name')), textEl('th', word(lang, 'chosen')), textEl('th', word(lang, 'outcome')));
    const tbody = textEl('tbody');
    for (const row of candidates) {
      const tr = textEl('tr', null, 'rs-row');
      tr.setAttribute('data-testid', `runoff-${row.id}`);
      const chosen = textEl('td', `${row.chosen} (${percentText(row.chosen, row.ballots, lang)})`, 'rs-votes');
      const mark = row.decision?.quota;
      const outcome = textEl('td', word(lang, mark === 'kept' ? 'kept' : mark === 'over' ? 'over' : 'stillTied'), 'rs-level');
      if (mark) outcome.dataset.quota = mark;
      tr.append(textEl('th', row.name, 'rs-name'), chosen, outcome);
      tbody.append(tr);
    }
    const thead = textEl('thead');
    thead.append(hr);
    table.append(thead, tbody);
    parts.push(table);
  }
  const proposal = rows.filter((r) => r.kind === 'proposal');
  if (proposal.length) {
    parts.push(textEl('h3', word(lang, 'proposalHeading', { r: round }), 'rs-subtitle'));
    const table = textEl('table', null, 'rs-table');
    table.setAttribute('data-testid', 'proposal-table');
    const tbody = textEl('tbody');
    for (const row of proposal) {
      const tr = textEl('tr', null, 'rs-row');
      tr.setAttribute('data-testid', `proposal-${row.id}`);
      tr.append(textEl('td', String(row.position), 'rs-num'), textEl('th', row.name, 'rs-name'), levelCell(row.final, lang, row.id));
      tbody.append(tr);
      if (row.reasons.length) tbody.append(reasonRow(row.reasons, 2));
    }
    table.append(tbody);
    parts.push(table);
  }
  return parts;
}

/**
 * Render the results into `container`: a heading, a page of rows (`page`, `perPage` rows; all
 * when `perPage` is 0) and the page indicator. Returns the number of pages.
 */
export function renderResults(container, results, { lang = 'vi', page = 0, perPage = 0 } = {}) {
  if (isKindRound(results)) return renderKindResults(container, results, { lang, page, perPage });
  const runoff = isRunoff(results);
  const rows = runoff ? runoffRows(results, lang) : resultRows(results, lang);
  const pages = perPage > 0 ? Math.max(1, Math.ceil(rows.length / perPage)) : 1;
  const current = Math.min(page, pages - 1);
  const shown = perPage > 0 ? rows.slice(current * perPage, (current + 1) * perPage) : rows;
  const decisions = results.decisions;

  const head = textEl('div', null, 'rs-head');
  head.append(textEl('h2', word(lang, runoff ? 'runoffHeading' : 'heading', { r: results.round }), 'rs-title'));
  const meta = [];
  if (runoff) meta.push(...results.questions.map((q) => q.title));
  else if (decisions) meta.push(word(lang, 'base', { b: decisions.base }));
  if (results.roll) {
    meta.push(word(lang, 'ballots', { n: results.roll.ballots, p: results.roll.present }));
    const missing = results.roll.present - results.roll.ballots;
    if (missing > 0) meta.push(word(lang, 'notCast', { n: missing }));
  }
  head.append(textEl('p', meta.join(' · '), 'rs-meta'));
  if (decisions && decisions.valid === false) head.append(textEl('p', word(lang, 'invalid'), 'rs-warn'));

  const body = runoff ? runoffTables(shown, lang, results.round) : [ratingTable(shown, lang)];
  const foot = textEl('p', pages > 1 ? word(lang, 'page', { p: current + 1, n: pages }) : '', 'rs-page');
  foot.setAttribute('data-testid', 'results-page');
  container.replaceChildren(head, ...body, foot);
  return pages;
}
