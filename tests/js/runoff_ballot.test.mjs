// A runoff ballot (tests/vectors/runoff_ballot.json, made by the Python core): a question whose
// options are the tied members, each voter choosing up to max_selections of them. The JavaScript
// core must reproduce each ballot byte for byte from its seed, verify it, refuse a ballot that
// chooses more than allowed, and sum the ballots to the same aggregate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  aggregateCiphertexts, aggregateToJson, canonicalJson, encryptBallot, InvalidProof,
  loadElection, loadManifest, selectedOptions, testRng, verifyBallot,
} from '../../ballot_client/js/index.mjs';

const data = JSON.parse(readFileSync(new URL('../vectors/runoff_ballot.json', import.meta.url), 'utf8'));

test('runoff_ballot.json: ballots reproduced from their seeds and verified', () => {
  const context = loadElection(data.manifest, data.election);
  assert.equal(context.fingerprintHex, data.fingerprint);
  const [question] = context.manifest.questions;
  assert.deepEqual(question.allowedSums, [0, 1, 2]);
  assert.deepEqual(question.optionTitles, ['Nguyễn Văn An', 'Trần Thị Bình', 'Lê Đức Cường']);
  const verified = [];
  for (const entry of data.ballots) {
    const ballot = encryptBallot({ context, tokenHash: entry.token_hash, choices: entry.choices, rng: testRng(entry.seed) });
    assert.equal(canonicalJson(ballot), canonicalJson(entry.ballot), entry.seed);
    verified.push(verifyBallot({ context, ballot: entry.ballot }));
  }
  const summed = aggregateToJson(context, aggregateCiphertexts(context, verified.map((b) => b.ciphertexts)), verified.length);
  assert.equal(canonicalJson(summed), canonicalJson(data.aggregate));
});

test('a ballot choosing more members than there are places is refused', () => {
  const context = loadElection(data.manifest, data.election);
  for (const { ballot } of data.refused) {
    assert.throws(() => verifyBallot({ context, ballot }), InvalidProof);
  }
  const [question] = context.manifest.questions;
  assert.throws(() => encryptBallot({ context, tokenHash: data.ballots[0].token_hash, choices: [[0, 1, 2]] }), RangeError);
  assert.throws(() => selectedOptions(question, [1, 1]), RangeError);
  assert.throws(() => selectedOptions(question, [3]), RangeError);
  assert.deepEqual([...selectedOptions(question, [2, 0])].sort(), [0, 2]);
  assert.equal(selectedOptions(question, null).size, 0);
});

test('manifest limits: max_selections up to the number of options, titles one per option', () => {
  const base = data.manifest;
  const question = base.questions[0];
  const withQuestion = (change) => ({ ...base, questions: [{ ...question, ...change }] });
  assert.equal(loadManifest(withQuestion({ max_selections: 3 })).questions[0].maxSelections, 3);
  assert.throws(() => loadManifest(withQuestion({ max_selections: 4 })), /max_selections/);
  assert.throws(() => loadManifest(withQuestion({ min_selections: 3, max_selections: 2 })), /max_selections/);
  assert.throws(() => loadManifest(withQuestion({ option_titles: ['A', 'B'] })), /option_titles/);
  assert.throws(() => loadManifest(withQuestion({ option_titles: ['A', '', 'C'] })), /option_titles/);
  assert.throws(() => loadManifest(withQuestion({ options: ['q01', 'q01', 'q03'] })), /options/);
  const many = Array.from({ length: 101 }, (_, i) => `m${i}`);
  assert.throws(() => loadManifest(withQuestion({ options: many, option_titles: undefined })), /options/);
});
