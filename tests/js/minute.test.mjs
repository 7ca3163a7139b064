// The committee member's check of the minute before co-signing it (minute.mjs): the digest is
// recomputed from the minute, a server digest that does not match is refused, so is a minute that
// names another signing key for the member or another election for the member's round; the
// signature verifies under the member's key for purpose "minute" only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  H32, MinuteRefused, bytesToHex, canonicalBytes, checkMinute, hexToBytes, minuteDigest,
  signMinute, signingPublicKey, verifySignature,
} from '../../ballot_client/js/index.mjs';

const SEEDS = [1, 2, 3].map((i) => new Uint8Array(32).fill(i));
const FINGERPRINT = 'ab'.repeat(32);

function makeDocument() {
  const minute = {
    version: 1,
    kind: 'phieukin/minute',
    meeting: { title: 'Hội nghị đánh giá, xếp loại đảng viên năm 2026', cell: 'Chi bộ 1' },
    committee: SEEDS.map((seed, i) => ({
      index: i + 1, name: `Ủy viên ${i + 1}`, role: i ? 'member' : 'head',
      signing_key: bytesToHex(signingPublicKey(seed)),
    })),
    threshold: 2,
    rounds: [{
      round: 1, fingerprint: FINGERPRINT, ballots: 6,
      subjects: [{ id: 'm01', name: 'Nguyễn Văn An', level: 'XS', votes: { XS: 5, TOT: 1, HT: 0, KHT: 0 } }],
    }],
  };
  return { minute, digest: bytesToHex(minuteDigest(minute)), server_signature: '', signatures: [] };
}

function refused(check) {
  return (error) => error instanceof MinuteRefused && error.check === check;
}

test('the digest is H32("minute", canonical JSON of the minute)', () => {
  const { minute } = makeDocument();
  assert.equal(bytesToHex(minuteDigest(minute)), bytesToHex(H32('minute', canonicalBytes(minute))));
  // key order does not matter, content does
  const reordered = Object.fromEntries(Object.entries(minute).reverse());
  assert.equal(bytesToHex(minuteDigest(reordered)), bytesToHex(minuteDigest(minute)));
});

test('a checked minute is signed over the recomputed digest for purpose "minute"', () => {
  const document = makeDocument();
  const expected = { index: 2, round: 1, fingerprint: FINGERPRINT };
  const { digest, signature } = signMinute(SEEDS[1], document, expected);
  assert.equal(digest, document.digest);
  verifySignature(signingPublicKey(SEEDS[1]), 'minute', hexToBytes(digest), signature, 'member 2');
  assert.throws(() => verifySignature(signingPublicKey(SEEDS[1]), 'event', hexToBytes(digest), signature, 'x'));
});

test('a server digest that is not the minute\'s is refused, naming both', () => {
  const document = makeDocument();
  const changed = structuredClone(document);
  changed.minute.rounds[0].subjects[0].level = 'TOT'; // the content changed, the digest kept
  assert.throws(() => signMinute(SEEDS[0], changed, { index: 1 }), (error) => {
    assert.ok(refused('digest')(error));
    assert.equal(error.claimed, document.digest);
    assert.equal(error.computed, bytesToHex(minuteDigest(changed.minute)));
    return true;
  });
  assert.throws(() => checkMinute({ ...document, digest: '00'.repeat(32) }, { index: 1 }), refused('digest'));
});

test('another key for this member, another election, or not a minute is refused', () => {
  const document = makeDocument();
  assert.throws(() => signMinute(SEEDS[2], document, { index: 1 }), refused('key'));
  assert.throws(() => checkMinute(document, { index: 4 }), refused('member'));
  assert.throws(
    () => checkMinute(document, { index: 1, round: 1, fingerprint: 'cd'.repeat(32) }), refused('election'),
  );
  assert.throws(
    () => checkMinute(document, { index: 1, round: 2, fingerprint: FINGERPRINT }), refused('election'),
  );
  assert.throws(() => checkMinute({ ...document, minute: { kind: 'phieukin/ballot' } }, { index: 1 }), refused('format'));
  assert.throws(() => checkMinute(null, { index: 1 }), refused('format'));
  const floating = structuredClone(document);
  floating.minute.threshold = 1.5;
  assert.throws(() => checkMinute(floating, { index: 1 }), refused('format'));
});
