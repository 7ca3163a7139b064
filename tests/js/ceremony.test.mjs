// Round-trip and attack tests of the trustee key ceremony (§5).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  FormatError, InvalidPoint, InvalidProof, InvalidShare, baseMul, evaluatePolynomial,
  lagrangeCoefficient, loadElection, makeElection, makeEncryptedShare, makeTrustee, mod, openShare,
  pointToHex, publicShare, publicShareFromAnnouncements, scalarToHex, testRng, verifyAnnouncement,
} from '../../ballot_client/js/index.mjs';
import { makeManifest, runCeremony } from './helpers.mjs';

const manifest = makeManifest({ questions: 1, t: 2, n: 3 });
const ceremony = runCeremony(manifest);
const clone = (value) => structuredClone(value);

test('an announcement has the shape of §5 and verifies', () => {
  const { announcement } = ceremony.trustees[0];
  assert.deepEqual(Object.keys(announcement).sort(), [
    'coefficient_proofs', 'commitments', 'encryption_key', 'encryption_key_proof', 'index', 'kind',
    'signing_key', 'version']);
  assert.equal(announcement.commitments.length, 2);
  assert.equal(announcement.coefficient_proofs.length, 2);
  verifyAnnouncement({ manifest, announcement });
});

test('any t secret shares interpolate to the secret of the joint key; public shares match', () => {
  const { secretShares, context, announcements } = ceremony;
  for (const subset of [[1, 2], [1, 3], [2, 3], [1, 2, 3]]) {
    const secret = subset.reduce((total, j) => mod(total + lagrangeCoefficient(j, subset) * secretShares.get(j)), 0n);
    assert.equal(pointToHex(baseMul(secret)), ceremony.election.joint_key);
  }
  for (const [j, s] of secretShares) {
    assert.ok(publicShare(context, j).equals(baseMul(s)));
    assert.equal(publicShareFromAnnouncements(announcements, j), pointToHex(baseMul(s)));
  }
  const secret = ceremony.trustees.reduce((total, t) => mod(total + t.secrets.coefficients[0]), 0n);
  assert.equal(pointToHex(baseMul(secret)), ceremony.election.joint_key);
});

test('a changed proof, commitment or key in an announcement is caught', () => {
  const { announcement } = ceremony.trustees[1];
  const c = clone(announcement);
  c.coefficient_proofs[1].response = scalarToHex(7n);
  assert.throws(() => verifyAnnouncement({ manifest, announcement: c }),
    (e) => e instanceof InvalidProof && e.check === 'challenge' && e.subject === 'trustee 2, coefficient 1');
  const k = clone(announcement);
  k.encryption_key = ceremony.trustees[0].announcement.encryption_key;
  assert.throws(() => verifyAnnouncement({ manifest, announcement: k }),
    (e) => e instanceof InvalidProof && e.subject === 'trustee 2, encryption key');
  const swapped = clone(announcement);
  swapped.commitments.reverse();
  swapped.coefficient_proofs.reverse();
  assert.throws(() => verifyAnnouncement({ manifest, announcement: swapped }), InvalidProof);
  const identity = clone(announcement);
  identity.commitments[0] = '0'.repeat(64);
  assert.throws(() => verifyAnnouncement({ manifest, announcement: identity }), InvalidPoint);
  const short = clone(announcement);
  short.commitments.pop();
  assert.throws(() => verifyAnnouncement({ manifest, announcement: short }), FormatError);
});

test('an announcement cannot be replayed under another manifest or index', () => {
  const { announcement } = ceremony.trustees[0];
  const other = clone(manifest);
  other.round = 2;
  assert.throws(() => verifyAnnouncement({ manifest: other, announcement }), InvalidProof);
  const moved = clone(announcement);
  moved.index = 3;
  assert.throws(() => verifyAnnouncement({ manifest, announcement: moved }), InvalidProof);
  const outside = clone(announcement);
  outside.index = 4;
  assert.throws(() => verifyAnnouncement({ manifest, announcement: outside }), FormatError);
});

test('bad shares are refused naming the sender', () => {
  const [one, two] = ceremony.trustees;
  const { announcements, shares } = ceremony;
  const share = shares.find((s) => s.sender === 1 && s.recipient === 2);
  assert.equal(share.ciphertext.length, 96);
  const open = (s, sender = announcements[0]) => openShare({ manifest, secrets: two.secrets, share: s, sender });
  assert.equal(open(share), evaluatePolynomial(one.secrets.coefficients, 2));
  const flipped = clone(share);
  flipped.ciphertext = (flipped.ciphertext[0] === '0' ? '1' : '0') + flipped.ciphertext.slice(1);
  assert.throws(() => open(flipped), (e) => e instanceof InvalidShare && e.check === 'decryption'
    && e.subject === 'share from trustee 1 to trustee 2');
  assert.throws(() => open(share, announcements[2]), (e) => e instanceof InvalidShare && e.check === 'addressing');
  assert.throws(() => openShare({ manifest, secrets: ceremony.trustees[2].secrets, share, sender: announcements[0] }),
    (e) => e instanceof InvalidShare && e.check === 'addressing');
  // A sender that encrypts a value off its committed polynomial is caught by the commitments.
  const liar = { ...one.secrets, coefficients: [one.secrets.coefficients[0], one.secrets.coefficients[1] + 1n] };
  const lie = makeEncryptedShare({ manifest, secrets: liar, recipient: announcements[1], rng: testRng('lie') });
  assert.throws(() => open(lie), (e) => e instanceof InvalidShare && e.check === 'commitments');
  // A share encrypted under another manifest does not decrypt.
  const other = clone(manifest);
  other.round = 3;
  const foreign = makeEncryptedShare({ manifest: other, secrets: one.secrets, recipient: announcements[1], rng: testRng('f') });
  assert.throws(() => open(foreign), (e) => e instanceof InvalidShare && e.check === 'decryption');
  const badPoint = clone(share);
  badPoint.ephemeral = '0'.repeat(64);
  assert.throws(() => open(badPoint), InvalidPoint);
});

test('the election object is checked against its manifest and commitments', () => {
  const election = makeElection(manifest, ceremony.announcements);
  assert.deepEqual(election, ceremony.election);
  const wrongKey = clone(election);
  wrongKey.joint_key = ceremony.trustees[0].announcement.commitments[0];
  assert.throws(() => loadElection(manifest, wrongKey), FormatError);
  const otherManifest = clone(manifest);
  otherManifest.round = 9;
  assert.throws(() => loadElection(otherManifest, election), FormatError);
  const missing = clone(election);
  missing.trustees.pop();
  assert.throws(() => loadElection(manifest, missing), FormatError);
  assert.throws(() => makeTrustee({ manifest, index: 4 }), RangeError);
});
