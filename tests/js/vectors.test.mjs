// Shared test vectors (tests/vectors/*.json, made by the Python core): the JavaScript core must
// reproduce every hash, encoding, announcement, share, ballot and decryption share byte for
// byte from the same nonce streams, and accept and refuse exactly what the vectors say.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  aggregateCiphertexts, aggregateToJson, EncodingError, H, H32, Hs, ORDER, base32Encode, baseMul, bytesToHex, canonicalJson,
  combineDecryptionShares, combineSecretShare, encryptBallot, GENERATOR_HEX, hexToBytes,
  InvalidPoint, InvalidProof, InvalidScalar, loadElection, loadManifest, makeDecryptionShare,
  makeElection, makeEncryptedShares, makeTrustee, mul, normalizeToken, openShare, parseJson,
  pointFromHex, pointToHex, publicShare, scalarFromHex, scalarToHex, testRng, tokenHash, tracker,
  trackerCode, verifyAnnouncement, verifyBallot, verifyDecryptionShare,
  InvalidSignature, sign, signingKeyFromHex, signingMessage, signingPublicKey, verifySignature,
  InvalidAudit, makeSubmission, openBallot, sealBallot, tokenIdentity, verifyAuditedBallot,
} from '../../ballot_client/js/index.mjs';

const load = (name) => {
  const text = readFileSync(new URL(`../vectors/${name}`, import.meta.url), 'utf8');
  // Hash-part integers may exceed 2^53 (e.g. 2^64 − 1): keep their digits exact as bigints.
  return JSON.parse(text.replace(/"int": (\d+)/g, '"int": "$1"'));
};
const clone = (value) => structuredClone(value);

test('hashing.json: H, H32 and Hs of every case', () => {
  const { cases } = load('hashing.json');
  assert.ok(cases.length > 0);
  for (const { tag, parts, H: full, H32: short, Hs: scalar } of cases) {
    const decoded = parts.map((p) => ('bytes' in p ? hexToBytes(p.bytes) : 'str' in p ? p.str : BigInt(p.int)));
    assert.equal(bytesToHex(H(tag, ...decoded)), full, tag);
    assert.equal(bytesToHex(H32(tag, ...decoded)), short, tag);
    assert.equal(scalarToHex(Hs(tag, ...decoded)), scalar, tag);
  }
});

test('canonical.json: canonical text of every value; every invalid text refused', () => {
  const { cases, invalid } = load('canonical.json');
  for (const { value, canonical } of cases) {
    assert.equal(canonicalJson(value), canonical);
    assert.equal(canonicalJson(parseJson(canonical)), canonical);
  }
  for (const { text, reason } of invalid) assert.throws(() => parseJson(text), EncodingError, reason);
});

test('group.json: order, generator, multiples, products, sums, invalid encodings', () => {
  const data = load('group.json');
  assert.equal(BigInt(data.order), ORDER);
  assert.equal(data.generator, GENERATOR_HEX);
  for (const { scalar, point } of data.multiples) assert.equal(pointToHex(baseMul(scalarFromHex(scalar))), point);
  for (const { scalar, point, result } of data.products) {
    assert.equal(pointToHex(mul(scalarFromHex(scalar), pointFromHex(point))), result);
  }
  for (const { left, right, sum } of data.sums) {
    assert.equal(pointToHex(pointFromHex(left).add(pointFromHex(right))), sum);
  }
  for (const { hex, reason } of data.invalid_points) assert.throws(() => pointFromHex(hex), InvalidPoint, reason);
  for (const { hex, reason } of data.invalid_scalars) assert.throws(() => scalarFromHex(hex), InvalidScalar, reason);
});

test('tokens.json: base-32, normalization, token hashes, invalid tokens', () => {
  const data = load('tokens.json');
  for (const { bytes, text } of data.base32) assert.equal(base32Encode(hexToBytes(bytes)), text);
  for (const { input, normalized, token_seed: seed, token_key: key, token_hash: hash } of data.cases) {
    assert.equal(normalizeToken(input), normalized, input);
    assert.equal(tokenHash(input), hash, input);
    const identity = tokenIdentity(input);
    assert.equal(bytesToHex(identity.seed), seed, input);
    assert.equal(bytesToHex(H32('token-key', normalized)), seed, input);
    assert.equal(identity.keyHex, key, input);
    assert.equal(bytesToHex(H32('token', hexToBytes(key))), hash, input);
  }
  for (const { input, reason } of data.invalid) assert.throws(() => normalizeToken(input), EncodingError, reason);
  // the commitment to the set of token hashes logged when voting opens (PROTOCOL.md §6)
  assert.ok(data.token_sets.length >= 3);
  for (const { token_hashes: hashes, commitment } of data.token_sets) {
    assert.deepEqual([...hashes].sort(), hashes);
    assert.equal(bytesToHex(H32('token-set', ...hashes.map(hexToBytes))), commitment);
  }
});

test('signatures.json: Ed25519 keys, signed messages and signatures byte for byte', () => {
  const data = load('signatures.json');
  for (const c of data.cases) {
    const seed = hexToBytes(c.seed);
    assert.equal(bytesToHex(signingPublicKey(seed)), c.public_key);
    assert.equal(bytesToHex(signingMessage(c.purpose, hexToBytes(c.digest))), c.message);
    assert.equal(sign(seed, c.purpose, hexToBytes(c.digest)), c.signature);
    const key = signingKeyFromHex(c.public_key, 'key');
    verifySignature(key, c.purpose, hexToBytes(c.digest), c.signature, 'vector');
    const other = c.purpose === 'event' ? 'minute' : 'event';
    assert.throws(() => verifySignature(key, other, hexToBytes(c.digest), c.signature, 'v'), InvalidSignature);
  }
  for (const { hex, reason } of data.invalid_keys) assert.throws(() => signingKeyFromHex(hex, 'k'), EncodingError, reason);
});

test('ceremony.json: announcements, shares, secret and public shares, election, byte for byte', () => {
  const data = load('ceremony.json');
  const { manifest } = data;
  assert.equal(loadManifest(manifest).hashHex, data.manifest_hash);
  const streams = new Map(data.trustees.map((t) => [t.index, testRng(t.seed)]));
  const made = data.trustees.map((t) => makeTrustee({ manifest, index: t.index, rng: streams.get(t.index) }));
  made.forEach((m, position) => assert.equal(canonicalJson(m.announcement), canonicalJson(data.trustees[position].announcement)));
  // The Python-made announcements verify here.
  const announcements = data.trustees.map((t) => verifyAnnouncement({ manifest, announcement: t.announcement }));
  made.forEach((m, position) => {
    const sent = makeEncryptedShares({ manifest, secrets: m.secrets, announcements, rng: streams.get(m.secrets.index) });
    assert.equal(canonicalJson(sent), canonicalJson(data.trustees[position].shares_sent));
  });
  // Each trustee opens the Python-made shares and reaches the same secret share.
  for (const [position, trustee] of data.trustees.entries()) {
    const received = data.trustees
      .filter((t) => t.index !== trustee.index)
      .map((t) => openShare({
        manifest, secrets: made[position].secrets,
        share: t.shares_sent.find((s) => s.recipient === trustee.index), sender: announcements[t.index - 1],
      }));
    assert.equal(scalarToHex(combineSecretShare(made[position].secrets, received)), trustee.secret_share);
  }
  const election = makeElection(manifest, announcements);
  assert.equal(canonicalJson(election), canonicalJson(data.election));
  const context = loadElection(manifest, data.election);
  assert.equal(context.fingerprintHex, data.fingerprint);
  assert.equal(pointToHex(context.jointKey), data.joint_key);
  for (const t of data.trustees) assert.equal(pointToHex(publicShare(context, t.index)), t.public_share);
  const tampered = clone(data.trustees[0].announcement);
  tampered.encryption_key_proof.challenge = tampered.coefficient_proofs[0].challenge;
  assert.throws(() => verifyAnnouncement({ manifest, announcement: tampered }), InvalidProof);
});

test('ballot.json: ballots reproduced byte for byte from their seeds, verified, trackers', () => {
  const data = load('ballot.json');
  const context = loadElection(data.manifest, data.election);
  assert.equal(context.fingerprintHex, data.fingerprint);
  assert.ok(data.ballots.length > 0);
  for (const entry of data.ballots) {
    assert.equal(tokenHash(entry.token), entry.token_hash);
    const ballot = encryptBallot({ context, tokenHash: entry.token_hash, choices: entry.choices, rng: testRng(entry.seed) });
    assert.equal(canonicalJson(ballot), canonicalJson(entry.ballot), entry.seed);
    const verified = verifyBallot({ context, ballot: entry.ballot });
    assert.equal(verified.tracker, entry.tracker);
    assert.equal(tracker(entry.ballot), entry.tracker);
    assert.equal(trackerCode(entry.ballot), entry.tracker_code);
    const moved = clone(entry.ballot);
    moved.token_hash = data.ballots.find((b) => b !== entry).token_hash;
    assert.throws(() => verifyBallot({ context, ballot: moved }), InvalidProof);
    const changed = clone(entry.ballot);
    changed.answers[2].selections[1].proof.challenges.reverse();
    assert.throws(() => verifyBallot({ context, ballot: changed }), InvalidProof);
  }
});

test('ballot.json: signed submissions and audited ballots byte for byte, both ways', () => {
  const data = load('ballot.json');
  const context = loadElection(data.manifest, data.election);
  for (const entry of data.ballots) {
    // Ed25519 is deterministic: the same token and ballot give the same submission.
    assert.equal(canonicalJson(makeSubmission({ token: entry.token, ballot: entry.ballot })), canonicalJson(entry.submission));
    const key = signingKeyFromHex(entry.submission.token_key, 'token_key');
    verifySignature(key, 'ballot', hexToBytes(entry.tracker), entry.submission.signature, entry.seed);
    assert.ok(!canonicalJson(entry.submission).includes(normalizeToken(entry.token)));
    // The same seed reproduces the audited ballot; the Python-made one verifies here.
    const sealed = sealBallot({ context, tokenHash: entry.token_hash, choices: entry.choices, rng: testRng(entry.seed) });
    assert.equal(canonicalJson(openBallot(sealed)), canonicalJson(entry.audited), entry.seed);
    const opened = verifyAuditedBallot({ context, audited: entry.audited });
    assert.equal(opened.tracker, entry.tracker);
    assert.deepEqual(opened.selected, entry.choices.map((c) => (c === null ? [] : [c])));
  }
  for (const { audited, check } of data.invalid_audited) {
    assert.throws(() => verifyAuditedBallot({ context, audited }), (error) => error instanceof InvalidAudit && error.check === check);
  }
});

test('decryption.json: decryption shares byte for byte, verified, and every combination', () => {
  const data = load('decryption.json');
  const context = loadElection(data.manifest, data.election);
  // The aggregate is the sum of the ballots of ballot.json.
  const ballots = load('ballot.json').ballots.map((entry) => verifyBallot({ context, ballot: entry.ballot }));
  const summed = aggregateToJson(context, aggregateCiphertexts(context, ballots.map((b) => b.ciphertexts)), ballots.length);
  assert.equal(canonicalJson(summed), canonicalJson(data.aggregate));
  for (const entry of data.decryption_shares) {
    const share = makeDecryptionShare({
      context, index: entry.trustee, secretShare: scalarFromHex(entry.secret_share),
      aggregate: data.aggregate, rng: testRng(entry.seed),
    });
    assert.equal(canonicalJson(share), canonicalJson(entry.share), entry.seed);
    verifyDecryptionShare({ context, aggregate: data.aggregate, share: entry.share });
  }
  const byTrustee = new Map(data.decryption_shares.map((e) => [e.trustee, e.share]));
  for (const { trustees, counts } of data.combinations) {
    const result = combineDecryptionShares({ context, aggregate: data.aggregate, shares: trustees.map((j) => byTrustee.get(j)) });
    assert.deepEqual(result, counts, String(trustees));
  }
  const bad = clone(data.decryption_shares[0].share);
  bad.shares[3].share = data.decryption_shares[1].share.shares[3].share;
  assert.throws(() => verifyDecryptionShare({ context, aggregate: data.aggregate, share: bad }), InvalidProof);
});
