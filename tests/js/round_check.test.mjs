// The committee's checks before decrypting (PROTOCOL.md §15) and its signed messages and
// fingerprints (§14.2, §16), on the vectors the Python core made: every case must be decided
// exactly as the Python checks decide it (tests/test_round_check.py).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  DecryptionRefused, LogFollower, addSums, bytesToHex, checkBallots, electionCode, finishRound,
  followableRounds, hexToBytes, isSmall, loadMessage, memberFingerprint, messageDigest, pinnedKey,
  planRound, signMessage, verifyMessage, InvalidSignature,
} from '../../ballot_client/js/index.mjs';

const load = (name) => JSON.parse(readFileSync(new URL(`../vectors/${name}`, import.meta.url), 'utf8'));
const vectors = load('round_check.json');
const logOf = (c) => structuredClone([...vectors.base.slice(0, c.prefix), ...c.tail]);

function decide(c) {
  const follower = new LogFollower(vectors.server_key);
  follower.extend(logOf(c));
  const plan = planRound(follower.events, {
    number: c.round, keyRound: c.key_round, index: c.index, signingKey: c.signing_key,
  });
  const ballots = c.ballots.map((i) => vectors.ballot_pool[i]);
  // two "workers", as the page splits them
  const halves = [ballots.slice(0, 1), ballots.slice(1)];
  const results = halves.map((chunk) => checkBallots(plan.context, chunk));
  return finishRound(plan, results.flatMap((r) => r.checks), addSums(plan.context, results.map((r) => r.sum)));
}

for (const c of vectors.cases) {
  test(`round_check.json: ${c.name}`, () => {
    if (c.expected.reason) {
      assert.throws(() => decide(c), (error) => {
        assert.ok(error instanceof DecryptionRefused, String(error));
        assert.equal(error.check, c.expected.reason, String(error));
        return true;
      });
      return;
    }
    const checked = decide(c);
    assert.deepEqual(
      [checked.ballots, checked.tokens, checked.overrideReason],
      [c.expected.ballots, c.expected.tokens, c.expected.override_reason],
    );
  });
}

test('the follower checks what is new and refuses a rewritten prefix', () => {
  const follower = new LogFollower(pinnedKey(vectors.base[0]));
  follower.extend(vectors.base.slice(0, 5));
  follower.extend(vectors.base.slice(3, 12), 3);
  assert.equal(follower.entries.length, 12);
  const rewritten = structuredClone(vectors.base.slice(10, 14));
  rewritten[0].signature = '00'.repeat(64);
  assert.throws(() => follower.extend(rewritten, 10), (e) => e.check === 'log.rewritten');
  assert.throws(() => follower.extend(vectors.base.slice(14), 14), (e) => e.check === 'log.sequence');
  follower.extend(vectors.base.slice(12), 12);
  assert.deepEqual(followableRounds(follower.events, 1), [1, 2]);
});

test('the small-round rule', () => {
  for (const [ballots, tokens, small] of [[0, 0, true], [2, 2, true], [3, 3, false], [3, 6, false], [3, 7, true]]) {
    assert.equal(isSmall(ballots, tokens), small);
  }
});

test('committee.json: signed messages byte for byte, and the fingerprints', () => {
  const committee = load('committee.json');
  for (const { seed, message, digest } of committee.messages) {
    const loaded = loadMessage(message, { manifestHash: committee.manifest_hash });
    assert.equal(bytesToHex(messageDigest(loaded)), digest);
    const again = signMessage(hexToBytes(seed), {
      manifestHash: message.manifest_hash, trustee: message.trustee, type: message.type, body: message.body,
    });
    assert.deepEqual(again, message);
    verifyMessage(loaded, committee.messages[0].message.body.signing_key);
    const changed = structuredClone(message);
    changed.trustee = 2;
    assert.throws(() => verifyMessage(changed, committee.messages[0].message.body.signing_key), InvalidSignature);
  }
  for (const { signing_key: key, fingerprint } of committee.member_fingerprints) {
    assert.equal(memberFingerprint(key), fingerprint);
    assert.match(fingerprint, /^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/);
  }
  assert.equal(electionCode(committee.election.fingerprint), committee.election.code);
});
