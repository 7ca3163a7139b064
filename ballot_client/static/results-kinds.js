/**
 * The results of a counted round of another kind — a confidence vote, yes/no decisions, the
 * cell's self-rating — for the projector and the chair's page (results.js hands them here).
 * Counts and shares of the base per person or per question, the outcome, and the reasons
 * rendered from the rule engine's steps by /js/rulewords.mjs (the words the minute prints).
 * DOM built with textContent only (strict CSP).
 */

import { textEl } from '/static/dom.js';
import { reasonRow } from '/static/results.js';
import { levelWords, percentText, renderStep } from '/js/rulewords.mjs';
import { kindText, optionText, outcomeText, pointsText } from '/js/kindwords.mjs';

const WORDS = {
  vi: {
    heading: 'Kết quả {kind} — vòng {r}',
    name: 'Họ và tên, chức vụ',
    question: 'Nội dung',
    blank: 'Để trống',
    outcome: 'Kết quả',
    convened: 'Người được triệu tập: {c} · có mặt: {p} · phiếu thu về: {b}',
    base: 'Tỷ lệ % trên {base}',
    ofBallots: '{n} phiếu thu về',
    ofConvened: '{n} người được triệu tập',
    ofRoll: 'cơ sở tính {n}',
    invalid: 'Không đủ túc số: cuộc bỏ phiếu không hợp lệ',
    total: 'Tổng điểm tự chấm: {t} điểm · dự thảo đề xuất: {level}',
    level: 'Xếp loại chi bộ',
    page: 'Trang {p}/{n}',
  },
  en: {
    heading: 'Results: {kind} — round {r}',
    name: 'Name and position',
    question: 'Question',
    blank: 'Blank',
    outcome: 'Outcome',
    convened: 'Convened: {c} · present: {p} · ballots: {b}',
    base: 'Percent of {base}',
    ofBallots: 'the {n} ballots cast',
    ofConvened: 'the {n} convened',
    ofRoll: 'the base {n}',
    invalid: 'No quorum: the vote is not valid',
    total: 'Self-assessed total: {t} points · the draft proposes: {level}',
    level: "The cell's level",
    page: 'Page {p}/{n}',
  },
};

function word(lang, key, vars = {}) {
  const text = (WORDS[lang] ?? WORDS.vi)[key] ?? WORDS.vi[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? ''));
}

function votesCell(count, base, lang, testid) {
  const cell = textEl('td', null, 'rs-votes');
  cell.append(textEl('span', String(count), 'rs-count'), textEl('span', percentText(count, base, lang), 'rs-pct'));
  if (testid) cell.setAttribute('data-testid', testid);
  return cell;
}

function table(headers) {
  const element = textEl('table', null, 'rs-table');
  const head = textEl('thead');
  const row = textEl('tr');
  for (const label of headers) row.append(textEl('th', label));
  head.append(row);
  const body = textEl('tbody');
  element.append(head, body);
  return { element, body };
}

/** One row per subject: name, votes per option with the share of its base, blank, outcome. */
function answerRows(results, options, lang, baseOf, reasonCodes) {
  const decided = new Map(((results.decisions?.subjects) ?? []).map((s) => [s.id, s]));
  const answered = results.roll?.ballots ?? results.roll?.present ?? 0;
  return results.questions.map((question, index) => {
    const counts = results.counts[question.id] ?? [];
    const decision = decided.get(question.id) ?? {};
    const base = baseOf(decision);
    return {
      id: question.id,
      position: index + 1,
      name: question.title,
      votes: options.map((option, i) => counts[i] ?? 0),
      blank: Math.max(0, answered - counts.reduce((a, b) => a + b, 0)),
      base,
      decision,
      reasons: (decision.steps ?? []).filter((s) => reasonCodes.includes(s.code)).map((s) => renderStep(s, lang)),
    };
  });
}

function answersTable(rows, options, lang, label, kind) {
  const { element, body } = table(['#', label, ...options.map((o) => optionText(o, lang)), word(lang, 'blank'), word(lang, 'outcome')]);
  element.setAttribute('data-testid', 'results-table');
  for (const row of rows) {
    const tr = textEl('tr', null, 'rs-row');
    tr.setAttribute('data-testid', `result-${row.id}`);
    tr.append(textEl('td', String(row.position), 'rs-num'), textEl('th', row.name, 'rs-name'));
    row.votes.forEach((count, i) => tr.append(votesCell(count, row.base, lang, `votes-${row.id}-${options[i]}`)));
    tr.append(votesCell(row.blank, row.base, lang, `blank-${row.id}`));
    const outcome = textEl('td', outcomeText(kind, row.decision, lang), 'rs-level rs-final');
    outcome.setAttribute('data-testid', `outcome-${row.id}`);
    if (row.decision.flag) outcome.dataset.flag = row.decision.flag;
    if (row.decision.status) outcome.dataset.status = row.decision.status;
    tr.append(outcome);
    body.append(tr);
    if (row.reasons.length) body.append(reasonRow(row.reasons, options.length + 3));
  }
  return element;
}

function confidence(results, lang) {
  const options = ['CAO', 'TN', 'THAP'];
  const decisions = results.decisions ?? {};
  const rows = answerRows(results, options, lang, () => decisions.base ?? 0, ['confidence_low']);
  const roll = results.roll ?? {};
  const of = results.round_options?.base === 'convened' ? 'ofConvened' : 'ofBallots';
  const meta = [
    word(lang, 'convened', { c: roll.convened, p: roll.present, b: roll.ballots }),
    word(lang, 'base', { base: word(lang, of, { n: decisions.base }) }),
  ];
  return { rows, meta, render: (shown) => [answersTable(shown, options, lang, word(lang, 'name'), 'confidence')] };
}

function approval(results, lang) {
  const options = ['YES', 'NO'];
  const baseOf = (decision) => decision.steps?.find((s) => s.code === 'approval_votes')?.values.base ?? results.decisions?.base ?? 0;
  const rows = answerRows(results, options, lang, baseOf, ['approval']);
  const meta = [word(lang, 'base', { base: word(lang, 'ofRoll', { n: results.decisions?.base }) })];
  return { rows, meta, render: (shown) => [answersTable(shown, options, lang, word(lang, 'question'), 'approval')] };
}

function selfRating(results, lang) {
  const sheet = results.score_sheet ?? {};
  const decisions = results.decisions ?? {};
  const score = decisions.score ?? {};
  const level = decisions.level ?? {};
  const scoreRows = answerRows(
    { ...results, questions: results.questions.slice(0, 1), decisions: { subjects: [score] } },
    ['YES', 'NO'], lang,
    (d) => d.steps?.find((s) => s.code === 'approval_votes')?.values.base ?? decisions.base ?? 0,
    ['approval'],
  );
  const levelStep = (level.steps ?? []).find((s) => s.code === 'base');
  const meta = [word(lang, 'total', { t: pointsText(sheet.total ?? '', lang), level: levelWords(sheet.proposed_level, lang) })];
  const render = () => {
    const parts = [answersTable(scoreRows, ['YES', 'NO'], lang, word(lang, 'question'), 'self_rating')];
    const counts = results.counts.level ?? [];
    const base = levelStep?.values.base ?? decisions.base ?? 0;
    const { element, body } = table([word(lang, 'level'), 'XS', 'TOT', 'HT', 'KHT', word(lang, 'outcome')]);
    element.setAttribute('data-testid', 'self-rating-level');
    const tr = textEl('tr', null, 'rs-row');
    tr.append(textEl('th', results.questions[1]?.title ?? '', 'rs-name'));
    counts.forEach((count, i) => tr.append(votesCell(count, base, lang, `votes-level-${['XS', 'TOT', 'HT', 'KHT'][i]}`)));
    const outcome = textEl('td', outcomeText('self_rating', level, lang), 'rs-level rs-final');
    outcome.setAttribute('data-testid', 'outcome-level');
    outcome.title = levelWords(level.level, lang);
    tr.append(outcome);
    body.append(tr);
    body.append(reasonRow((level.steps ?? []).filter((s) => ['vote_level', 'unresolved'].includes(s.code))
      .map((s) => renderStep(s, lang)), 5));
    parts.push(element);
    return parts;
  };
  return { rows: [{ id: 'sheet' }], meta, render };
}

const KINDS = { confidence, approval, self_rating: selfRating };

/** Whether `results` are of a round of another kind (rendered here). */
export function isKindRound(results) {
  return Boolean(KINDS[results?.round_kind]);
}

/** Render the results of a round of another kind; returns the number of pages. */
export function renderKindResults(container, results, { lang = 'vi', page = 0, perPage = 0 } = {}) {
  const view = KINDS[results.round_kind](results, lang);
  const pages = perPage > 0 ? Math.max(1, Math.ceil(view.rows.length / perPage)) : 1;
  const current = Math.min(page, pages - 1);
  const shown = perPage > 0 ? view.rows.slice(current * perPage, (current + 1) * perPage) : view.rows;
  const head = textEl('div', null, 'rs-head');
  head.append(textEl('h2', word(lang, 'heading', { kind: kindText(results.round_kind, lang).name, r: results.round }), 'rs-title'));
  head.append(textEl('p', view.meta.join(' · '), 'rs-meta'));
  if (results.decisions?.valid === false) head.append(textEl('p', word(lang, 'invalid'), 'rs-warn'));
  const foot = textEl('p', pages > 1 ? word(lang, 'page', { p: current + 1, n: pages }) : '', 'rs-page');
  foot.setAttribute('data-testid', 'results-page');
  container.replaceChildren(head, ...view.render(shown), foot);
  container.dataset.kind = results.round_kind;
  return pages;
}
