// Cast-or-audit in the browser core (§8.1): a sealed ballot is made step by step, opened for an
// audit with the same tracker, and a lying opening is caught; a submission proves possession of
// the token without carrying it (§6.1).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  FormatError, InvalidAudit, canonicalJson, encryptBallot, encryptBallotSteps, makeSubmission,
  openBallot, sealBallot, testRng, tokenIdentity, tracker, verifyAuditedBallot, verifyBallot,
} from '../../ballot_client/js/index.mjs';
import { makeManifest, runCeremony } from './helpers.mjs';

const manifest = makeManifest({ questions: 3 });
const { context } = runCeremony(manifest);
const TOKEN = '7RZ3W8G2KQ4M9XN5BV6C1TJHP0';
const identity = tokenIdentity(TOKEN);
const choices = [null, 2, 0];

test('the steps yield once per question and end with the same ballot as encryptBallot', () => {
  const steps = encryptBallotSteps({ context, tokenHash: identity.hashHex, choices, rng: testRng('s') });
  const seen = [];
  let step = steps.next();
  while (!step.done) {
    seen.push(step.value);
    step = steps.next();
  }
  assert.deepEqual(seen, [{ done: 1, total: 3 }, { done: 2, total: 3 }, { done: 3, total: 3 }]);
  const once = encryptBallot({ context, tokenHash: identity.hashHex, choices, rng: testRng('s') });
  assert.equal(canonicalJson(step.value.ballot), canonicalJson(once));
  assert.equal(step.value.nonces.length, 3);
  assert.deepEqual(step.value.nonces.map((row) => row.length), [4, 4, 4]);
});

test('an audit opens to the sealed choices, has the tracker shown, and carries no token data', () => {
  const sealed = sealBallot({ context, tokenHash: identity.hashHex, choices, rng: testRng('a') });
  const audited = openBallot(sealed);
  const opened = verifyAuditedBallot({ context, audited });
  assert.equal(opened.tracker, tracker(sealed.ballot));
  assert.equal(opened.tracker, verifyBallot({ context, ballot: sealed.ballot }).tracker);
  assert.deepEqual(opened.selected, [[], [2], [0]]);
  const text = canonicalJson(audited);
  for (const secret of [TOKEN, identity.hashHex, identity.keyHex, 'token', 'proof']) {
    assert.ok(!text.includes(secret), secret);
  }
});

test('a page that encrypted another choice cannot make its audit open to the voter\'s choice', () => {
  // The page encrypts KHT (3) for q02 while the voter chose HT (2), then claims HT.
  const sealed = sealBallot({ context, tokenHash: identity.hashHex, choices: [null, 3, 0], rng: testRng('l') });
  const audited = openBallot(sealed);
  audited.answers[1].selected = [2];
  assert.throws(() => verifyAuditedBallot({ context, audited }),
    (error) => error instanceof InvalidAudit && error.check === 'opening' && error.subject.includes('q02'));
});

test('a submission is signed with the token key and refused for a ballot of another token', () => {
  const sealed = sealBallot({ context, tokenHash: identity.hashHex, choices, rng: testRng('b') });
  const submission = makeSubmission({ token: TOKEN, ballot: sealed.ballot });
  assert.deepEqual(Object.keys(submission).sort(), ['ballot', 'signature', 'token_key']);
  assert.equal(submission.token_key, identity.keyHex);
  assert.ok(!canonicalJson(submission).includes(TOKEN));
  assert.throws(() => makeSubmission({ token: '0000000000000000000000000C', ballot: sealed.ballot }), FormatError);
});
