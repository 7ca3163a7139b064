// The rule engine's words in the browser (ballot_client/js/rulewords.mjs) must be the Python
// engine's words (tally/rules/wording.py): the same sentence from the same step, in both
// languages, for every step of tests/vectors/rule_steps.json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  groupWords, levelWords, optionWords, percentText, reasons, renderStep,
} from '../../ballot_client/js/rulewords.mjs';
import { outcomeText } from '../../ballot_client/js/kindwords.mjs';

const { cases } = JSON.parse(readFileSync(new URL('../vectors/rule_steps.json', import.meta.url), 'utf8'));

test('rule_steps.json: every step renders to the Python sentence, in Vietnamese and English', () => {
  assert.ok(cases.length > 40);
  const codes = new Set(cases.map((c) => c.step.code));
  for (const code of ['quorum', 'base', 'votes', 'level_test', 'vote_level', 'unresolved', 'cap',
    'cap_pending', 'cap_waived', 'pending', 'quota', 'runoff', 'final', 'not_rated',
    'convened_quorum', 'confidence_votes', 'confidence_low', 'approval_votes', 'approval']) {
    assert.ok(codes.has(code), `the vectors cover ${code}`);
  }
  for (const { step, names, vi, en } of cases) {
    assert.equal(renderStep(step, 'vi', names), vi, JSON.stringify(step));
    assert.equal(renderStep(step, 'en', names), en, JSON.stringify(step));
  }
});

test('no internal code in a sentence: groups, collectives and options are worded', () => {
  for (const { vi, en } of cases) {
    for (const text of [vi, en]) {
      assert.doesNotMatch(text, /«default»|valid_for_person|\(roll\)|\(present\)|two_thirds|more_than_half|cap\.|quota\./, text);
    }
  }
  const head = cases.find((c) => c.step.rule === 'cap.head');
  assert.match(head.vi, /Phòng Kế hoạch — Tài chính/);
  assert.doesNotMatch(head.vi, /phong-a/);
});

test('helpers: level names, groups, percentages', () => {
  assert.equal(levelWords('TOT'), 'Hoàn thành tốt nhiệm vụ');
  assert.equal(levelWords('TOT', 'en'), 'Completed tasks well');
  assert.equal(levelWords('??'), '');
  assert.equal(groupWords('default'), 'chi bộ');
  assert.equal(groupWords('Lãnh đạo', 'en'), 'group «Lãnh đạo»');
  assert.equal(percentText(1, 16), '6,3%');
  assert.equal(percentText(2, 3, 'en'), '66.7%');
  assert.equal(percentText(1, 0), '—');
  const steps = cases.map((c) => c.step);
  const said = reasons(steps, 'vi');
  assert.ok(said.length > 0 && said.every((line) => typeof line === 'string'));
  assert.ok(!said.some((line) => line.startsWith('Phiếu:')), 'the counts are not a reason');
});

test('rule_steps.json: the options in words, as the minute prints them', () => {
  const { options } = JSON.parse(readFileSync(new URL('../vectors/rule_steps.json', import.meta.url), 'utf8'));
  assert.ok(options.length >= 3);
  for (const entry of options) {
    assert.deepEqual(optionWords(entry.options, 'vi'), entry.vi);
    assert.deepEqual(optionWords(entry.options, 'en'), entry.en);
    for (const line of [...entry.vi, ...entry.en]) {
      assert.doesNotMatch(line, /valid_for_person|two_thirds|more_than_half|good_includes|blank_allowed|\broll\b/);
    }
  }
});

test('rule_steps.json: the outcome of a confidence vote, a yes/no decision and a self-rating in words', () => {
  const { outcomes } = JSON.parse(readFileSync(new URL('../vectors/rule_steps.json', import.meta.url), 'utf8'));
  assert.ok(outcomes.length >= 8);
  assert.deepEqual(new Set(outcomes.map((o) => o.kind)), new Set(['confidence', 'approval', 'self_rating']));
  for (const { kind, subject, vi, en } of outcomes) {
    assert.equal(outcomeText(kind, subject, 'vi'), vi);
    assert.equal(outcomeText(kind, subject, 'en'), en);
  }
});
