/**
 * The kinds of round a manifest may carry (PROTOCOL.md §4, "Kinds") and the cell's score sheet,
 * checked in the browser exactly as tally/round_kinds.py and tally/score_sheet.py check them:
 * a phone shows the words of the round's kind and the sheet's total only after checking that the
 * manifest has that kind's shape and that every number of the sheet adds up (points are integers
 * of tenths, never floats). tests/vectors/round_kinds.json holds both languages to the same
 * answers and the same refusals.
 */

import { canonicalJson } from './encoding.mjs';
import { FormatError } from './errors.mjs';
import { isObject } from './objects.mjs';

export const ROUND_KINDS = ['rating', 'runoff', 'confidence', 'self_rating', 'approval'];
const RATING = ['XS', 'TOT', 'HT', 'KHT'];
const CONFIDENCE = ['CAO', 'TN', 'THAP'];
const APPROVAL = ['YES', 'NO'];
const ROUND_OPTIONS = {
  confidence: { base: ['ballots', 'convened'] },
  approval: { base: ['roll', 'present', 'valid_for_person'], quorum: ['two_thirds', 'more_than_half'] },
};
const COMPUTED = ['bonuses_total', 'criteria_total', 'deductions_total', 'max_total', 'total'];
const DECIMAL = /^(\d{1,3})(?:\.(\d))?$/;
const MAX_TEXT = 300;

const sameList = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

function optionsShape(questions, options, offset = 0) {
  questions.forEach((question, i) => {
    const where = `manifest.questions[${i + offset}]`;
    if (!sameList(question.options, options)) {
      throw new FormatError(`must have the options ${JSON.stringify(options)}`, `${where}.options`);
    }
    if (question.max_selections !== 1 || 'option_titles' in question) {
      throw new FormatError('one answer per question, no option titles', where);
    }
  });
}

function roundOptions(kind, value) {
  const allowed = ROUND_OPTIONS[kind];
  if (!allowed) {
    if (value !== undefined && value !== null) throw new FormatError(`a ${kind} round has no round options`, 'manifest.round_options');
    return;
  }
  const names = Object.keys(allowed).sort();
  if (!isObject(value) || !sameList(Object.keys(value).sort(), names)) {
    throw new FormatError(`expected ${JSON.stringify(names)}`, 'manifest.round_options');
  }
  for (const [name, choices] of Object.entries(allowed)) {
    if (!choices.includes(value[name])) throw new FormatError(`must be one of ${JSON.stringify(choices)}`, `manifest.round_options.${name}`);
  }
}

/**
 * The kind of a manifest whose questions are already well-formed, after checking that it has
 * that kind's shape (FormatError otherwise). No `round_kind`: a runoff when its questions name
 * their options, else a rating.
 */
export function checkKind(manifest) {
  const named = manifest.round_kind;
  const questions = manifest.questions;
  if (named === undefined || named === null) {
    if ('round_options' in manifest || 'score_sheet' in manifest) {
      throw new FormatError('round options and a score sheet need a round_kind', 'manifest');
    }
    return questions.some((q) => Array.isArray(q.option_titles)) ? 'runoff' : 'rating';
  }
  if (!ROUND_KINDS.includes(named)) {
    throw new FormatError(`unknown round kind; expected one of ${JSON.stringify(ROUND_KINDS)}`, 'manifest.round_kind');
  }
  if (named === 'rating') optionsShape(questions, RATING);
  else if (named === 'runoff') {
    if (!questions.every((q) => 'option_titles' in q)) throw new FormatError("a runoff's options are named members", 'manifest.questions');
  } else if (named === 'confidence') optionsShape(questions, CONFIDENCE);
  else if (named === 'approval') optionsShape(questions, APPROVAL);
  else {
    const shape = questions.map((q) => `${q.id}:${q.options.join(',')}`);
    if (!sameList(shape, [`score:${APPROVAL.join(',')}`, `level:${RATING.join(',')}`])) {
      throw new FormatError("a self-rating asks 'score' (YES/NO) then 'level' (XS, TOT, HT, KHT)", 'manifest.questions');
    }
    optionsShape(questions.slice(0, 1), APPROVAL);
    optionsShape(questions.slice(1), RATING, 1);
  }
  roundOptions(named, manifest.round_options);
  if (named === 'self_rating') checkSheet(manifest.score_sheet);
  else if ('score_sheet' in manifest) throw new FormatError('only a self-rating has a score sheet', 'manifest.score_sheet');
  return named;
}

// ---- the score sheet ----------------------------------------------------------------------

/** "28.5" (or the integer 28) → 285 tenths of a point. */
export function tenths(value, where) {
  if (Number.isInteger(value) && value >= 0 && value <= 999) return value * 10;
  const match = typeof value === 'string' ? DECIMAL.exec(value) : null;
  if (!match) throw new FormatError(`must be a number with at most one decimal ("28" or "28.5"), got ${JSON.stringify(value)}`, where);
  return Number(match[1]) * 10 + Number(match[2] ?? 0);
}

/** 285 tenths → "28.5"; 280 → "28". */
export function pointsText(value) {
  return value % 10 ? `${Math.floor(value / 10)}.${value % 10}` : String(value / 10);
}

/** Tenths of a point taken for a shortfall in tenths of a percent: 0.5 per full 5%, at most 2. */
export function deductionTenths(shortfall) {
  return Math.min(20, 5 * Math.floor(shortfall / 50));
}

function object(value, where, keys, extra = []) {
  if (!isObject(value)) throw new FormatError('must be an object', where);
  const unknown = Object.keys(value).filter((k) => !keys.includes(k) && !extra.includes(k)).sort();
  if (unknown.length) throw new FormatError(`unknown fields ${JSON.stringify(unknown)}`, where);
  const missing = keys.filter((k) => !(k in value)).sort();
  if (missing.length) throw new FormatError(`missing fields ${JSON.stringify(missing)}`, where);
  return value;
}

function text(value, where) {
  if (typeof value !== 'string' || !value.trim() || value.length > MAX_TEXT) {
    throw new FormatError(`must be a text of 1 to ${MAX_TEXT} characters`, where);
  }
  return value.split(/\s+/).filter(Boolean).join(' ');
}

function list(value, where, low, high) {
  if (!Array.isArray(value) || value.length < low || value.length > high) {
    throw new FormatError(`must be a list of ${low} to ${high} entries`, where);
  }
  return value;
}

/** The complete sheet (every deduction's points, each criterion's net, the totals) from a
 * draft — the twin of tally.score_sheet.compute_sheet. */
export function computeSheet(draft, where = 'score_sheet') {
  const data = object(draft, where, ['criteria', 'deductions', 'bonuses', 'proposed_level'], COMPUTED);
  const criteria = list(data.criteria, `${where}.criteria`, 1, 50).map((raw, i) => {
    const at = `${where}.criteria[${i}]`;
    const entry = object(raw, at, ['title', 'max', 'points'], ['deducted', 'net']);
    const most = tenths(entry.max, `${at}.max`);
    const given = tenths(entry.points, `${at}.points`);
    if (!(most > 0 && most <= 1000)) throw new FormatError('the maximum must be more than 0 and at most 100', `${at}.max`);
    if (given > most) throw new FormatError("more points than the criterion's maximum", `${at}.points`);
    return { title: text(entry.title, `${at}.title`), max: most, points: given };
  });
  const deducted = criteria.map(() => 0);
  const deductions = list(data.deductions, `${where}.deductions`, 0, 100).map((raw, i) => {
    const at = `${where}.deductions[${i}]`;
    const entry = object(raw, at, ['criterion', 'target', 'shortfall_percent', 'reason', 'responsible'], ['points']);
    if (!Number.isInteger(entry.criterion)) throw new FormatError('must be the index of a criterion', `${at}.criterion`);
    if (entry.criterion < 0 || entry.criterion >= criteria.length) throw new FormatError('names no criterion', `${at}.criterion`);
    const shortfall = tenths(entry.shortfall_percent, `${at}.shortfall_percent`);
    if (!(shortfall > 0 && shortfall <= 1000)) throw new FormatError('must be more than 0 and at most 100', `${at}.shortfall_percent`);
    const taken = deductionTenths(shortfall);
    deducted[entry.criterion] += taken;
    return {
      criterion: entry.criterion,
      target: text(entry.target, `${at}.target`),
      shortfall_percent: pointsText(shortfall),
      points: pointsText(taken),
      reason: text(entry.reason, `${at}.reason`),
      responsible: text(entry.responsible, `${at}.responsible`),
    };
  });
  let bonusTotal = 0;
  const bonuses = list(data.bonuses, `${where}.bonuses`, 0, 50).map((raw, i) => {
    const at = `${where}.bonuses[${i}]`;
    const entry = object(raw, at, ['achievement', 'points', 'reason', 'responsible']);
    const points = tenths(entry.points, `${at}.points`);
    if (!(points > 0 && points <= 20)) throw new FormatError('a bonus is more than 0 and at most 2 points', `${at}.points`);
    bonusTotal += points;
    return {
      achievement: text(entry.achievement, `${at}.achievement`),
      points: pointsText(points),
      reason: text(entry.reason, `${at}.reason`),
      responsible: text(entry.responsible, `${at}.responsible`),
    };
  });
  if (!RATING.includes(data.proposed_level)) throw new FormatError('must be XS, TOT, HT or KHT', `${where}.proposed_level`);
  const nets = criteria.map((c, i) => Math.max(0, c.points - deducted[i]));
  const sum = (values) => values.reduce((a, b) => a + b, 0);
  return {
    criteria: criteria.map((c, i) => ({
      title: c.title, max: pointsText(c.max), points: pointsText(c.points), deducted: pointsText(deducted[i]), net: pointsText(nets[i]),
    })),
    deductions,
    bonuses,
    max_total: pointsText(sum(criteria.map((c) => c.max))),
    criteria_total: pointsText(sum(criteria.map((c) => c.points))),
    deductions_total: pointsText(sum(deducted)),
    bonuses_total: pointsText(bonusTotal),
    total: pointsText(sum(nets) + bonusTotal),
    proposed_level: data.proposed_level,
  };
}

const same = (a, b) => a !== undefined && canonicalJson(a) === canonicalJson(b);

/** A sheet as a manifest holds it must be exactly its computed form; FormatError names the
 * first part that differs. */
export function checkSheet(sheet, where = 'manifest.score_sheet') {
  const computed = computeSheet(sheet, where);
  for (const key of ['criteria', 'deductions', 'bonuses', ...COMPUTED]) {
    if (!same(sheet[key], computed[key])) throw new FormatError('the numbers of the score sheet do not add up', `${where}.${key}`);
  }
  if (!same(Object.keys(sheet).sort(), Object.keys(computed).sort())) {
    throw new FormatError('the score sheet is not in its computed form', where);
  }
  return computed;
}
