// Round-trip and attack tests of ballot encryption, range proofs and sum proofs (§7–8).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  EncodingError, FormatError, G, InvalidBallot, InvalidPoint, InvalidProof, InvalidScalar, ORDER,
  baseMul, bytesToHex, encryptBallot, makeRangeProof, mul, pointToHex, scalarToHex, testRng,
  tokenHash, tracker, trackerCode, verifyBallot, verifyRangeProof,
} from '../../ballot_client/js/index.mjs';
import { makeManifest, runCeremony } from './helpers.mjs';

const manifest = makeManifest({ questions: 2 });
const ceremony = runCeremony(manifest);
const { context } = ceremony;
const TOKEN = tokenHash('7RZ3W8G2KQ4M9XN5BV6C1TJHP0');
const clone = (value) => structuredClone(value);

function ballotFor(choices, seed = 'ballot') {
  return encryptBallot({ context, tokenHash: TOKEN, choices, rng: testRng(seed) });
}

function expectFailure(ballot, ErrorClass, check, subject) {
  assert.throws(() => verifyBallot({ context, ballot }), (error) => {
    assert.ok(error instanceof ErrorClass, `${error.name}: ${error.message}`);
    if (check) assert.equal(error.check, check);
    if (subject) assert.equal(error.subject, subject);
    return true;
  });
}

test('an encrypted ballot has the shape of PROTOCOL.md §8 and verifies', () => {
  const ballot = ballotFor([null, 2]);
  assert.deepEqual(Object.keys(ballot).sort(), ['answers', 'election', 'kind', 'token_hash', 'version']);
  assert.equal(ballot.kind, 'phieukin/ballot');
  assert.equal(ballot.election, context.fingerprintHex);
  assert.equal(ballot.token_hash, TOKEN);
  assert.equal(ballot.answers[0].question, 'q01');
  assert.equal(ballot.answers[0].selections.length, 4);
  assert.equal(ballot.answers[0].sum_proof.challenges.length, 2); // blank allowed: V = [0, 1]
  assert.equal(ballot.answers[1].sum_proof.challenges.length, 1); // exactly one: V = [1]
  const verified = verifyBallot({ context, ballot });
  assert.equal(verified.tracker, tracker(ballot));
  assert.match(trackerCode(ballot), /^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/);
  assert.equal(verified.ciphertexts.length, 2);
});

test('ballots verify for every choice, with manifest and election given as JSON', () => {
  for (const choices of [[0, 0], [3, 3], [1, 2], [null, 1]]) {
    const ballot = encryptBallot({ manifest, election: ceremony.election, tokenHash: TOKEN, choices });
    verifyBallot({ manifest, election: ceremony.election, ballot });
  }
});

test('the same nonce stream gives the same ballot; another stream another one', () => {
  assert.deepEqual(ballotFor([1, 2], 'x'), ballotFor([1, 2], 'x'));
  assert.notDeepEqual(ballotFor([1, 2], 'x'), ballotFor([1, 2], 'y'));
});

test('invalid choices are refused before encrypting', () => {
  for (const choices of [[1], [1, 2, 3], [1, null], [1, 4], [1, -1], [1, 1.5], [1, '1']]) {
    assert.throws(() => ballotFor(choices), RangeError, JSON.stringify(choices));
  }
  assert.throws(() => encryptBallot({ context, tokenHash: 'AB', choices: [1, 1] }), FormatError);
});

function forgedSelection(message, claimed, label, rng = testRng('forge')) {
  // A cheating prover: encrypts `message` but runs the prover as if it were `claimed`.
  const nonce = rng();
  const alpha = baseMul(nonce);
  const beta = mul(nonce, context.jointKey).add(baseMul(BigInt(message)));
  const statement = {
    binding: { election: context.fingerprint, tokenHash: Buffer.from(TOKEN, 'hex'), label },
    key: context.jointKey, keyBytes: context.jointKeyBytes,
    alpha, alphaBytes: alpha.toBytes(), beta, betaBytes: beta.toBytes(), allowed: [0, 1],
  };
  const proof = makeRangeProof(statement, nonce, claimed, rng);
  return { statement, proof, nonce };
}

test('an option encrypting 2 or −1 cannot be proven to be 0 or 1', () => {
  for (const message of [2, -1]) {
    for (const claimed of [0, 1]) {
      const { statement, proof } = forgedSelection(message, claimed, 'q02/0');
      assert.throws(() => verifyRangeProof(statement, proof, 'q02/0'),
        (e) => e instanceof InvalidProof && e.check === 'challenge' && e.subject === 'q02/0');
    }
  }
});

test('a ballot with a forged selection (encrypting 2) is refused naming the option', () => {
  const ballot = ballotFor([0, 0]);
  const { statement, proof } = forgedSelection(2, 0, 'q02/3');
  const scalars = (list) => list.map(scalarToHex);
  ballot.answers[1].selections[3] = {
    alpha: bytesToHex(statement.alphaBytes),
    beta: bytesToHex(statement.betaBytes),
    proof: { challenges: scalars(proof.challenges), responses: scalars(proof.responses) },
  };
  expectFailure(ballot, InvalidProof, 'challenge', 'q02/3');
});

test('a question with two selected options fails its sum proof', () => {
  const one = ballotFor([null, 0], 'one');
  const other = ballotFor([null, 1], 'other');
  const ballot = clone(one);
  ballot.answers[1].selections[1] = other.answers[1].selections[1]; // now options 0 and 1 are set
  // Each selection was proven under its own label and token, so they still verify; the sum fails.
  expectFailure(ballot, InvalidProof, 'challenge', 'q02/sum');
});

test('a changed challenge, response or ciphertext is caught', () => {
  const ballot = ballotFor([1, 2]);
  const c = clone(ballot);
  c.answers[0].selections[1].proof.challenges[0] = scalarToHex(1n);
  expectFailure(c, InvalidProof, 'challenge', 'q01/1');
  const v = clone(ballot);
  v.answers[1].sum_proof.responses[0] = scalarToHex(12345n);
  expectFailure(v, InvalidProof, 'challenge', 'q02/sum');
  const b = clone(ballot);
  b.answers[0].selections[2].beta = pointToHex(G); // another valid point
  expectFailure(b, InvalidProof, 'challenge', 'q01/2');
  const swapped = clone(ballot);
  [swapped.answers[1].selections[0], swapped.answers[1].selections[2]] = [
    swapped.answers[1].selections[2], swapped.answers[1].selections[0]];
  expectFailure(swapped, InvalidProof, 'challenge', 'q02/0');
});

test('a ballot cannot be moved to another token or another election', () => {
  const ballot = ballotFor([1, 2]);
  const otherToken = clone(ballot);
  otherToken.token_hash = tokenHash('0000000000000000000000000C');
  expectFailure(otherToken, InvalidProof, 'challenge', 'q01/0');
  const otherCeremony = runCeremony(manifest, 'another-ceremony');
  assert.throws(() => verifyBallot({ context: otherCeremony.context, ballot }),
    (e) => e instanceof InvalidBallot && e.check === 'election');
  const relabelled = clone(ballot);
  relabelled.election = otherCeremony.context.fingerprintHex;
  assert.throws(() => verifyBallot({ context: otherCeremony.context, ballot: relabelled }), InvalidProof);
  // another round of the same meeting has another manifest, hence another fingerprint
  const round2 = clone(manifest);
  round2.round = 2;
  const ceremony2 = runCeremony(round2);
  const moved = clone(ballot);
  moved.election = ceremony2.context.fingerprintHex;
  assert.throws(() => verifyBallot({ context: ceremony2.context, ballot: moved }), InvalidProof);
});

test('identity, non-canonical and non-hex points are refused on load', () => {
  const ballot = ballotFor([1, 2]);
  const cases = [
    '0'.repeat(64),
    'ff'.repeat(32),
    '01' + '00'.repeat(31),
    ballot.answers[0].selections[0].alpha.toUpperCase(),
    'zz' + ballot.answers[0].selections[0].alpha.slice(2),
    ballot.answers[0].selections[0].alpha.slice(2),
  ];
  for (const value of cases) {
    const bad = clone(ballot);
    bad.answers[0].selections[0].alpha = value;
    expectFailure(bad, InvalidPoint, 'point', 'q01/0.alpha');
  }
});

test('a non-canonical scalar (c + ℓ) is refused, never reduced', () => {
  const ballot = ballotFor([1, 2]);
  const bad = clone(ballot);
  const hex = bad.answers[0].selections[0].proof.challenges[0];
  const value = BigInt(`0x${hex.match(/../g).reverse().join('')}`);
  const lifted = value + ORDER;
  if (lifted < 2n ** 256n) {
    bad.answers[0].selections[0].proof.challenges[0] = lifted.toString(16).padStart(64, '0').match(/../g).reverse().join('');
    expectFailure(bad, InvalidScalar, 'scalar');
  }
  const upper = clone(ballot);
  upper.answers[0].selections[0].proof.responses[1] = upper.answers[0].selections[0].proof.responses[1].toUpperCase();
  expectFailure(upper, InvalidScalar, 'scalar');
});

test('wrong version, kind or shape is refused by name', () => {
  const ballot = ballotFor([1, 2]);
  const mutate = (fn) => {
    const copy = clone(ballot);
    fn(copy);
    return copy;
  };
  expectFailure(mutate((b) => { b.version = 2; }), FormatError, 'version');
  expectFailure(mutate((b) => { b.version = true; }), FormatError, 'version');
  expectFailure(mutate((b) => { b.kind = 'phieukin/election'; }), FormatError, 'kind');
  expectFailure(mutate((b) => { b.extra = 1; }), FormatError, 'shape');
  expectFailure(mutate((b) => { delete b.answers[0].sum_proof; }), FormatError, 'shape');
  expectFailure(mutate((b) => { b.answers.pop(); }), InvalidBallot, 'shape');
  expectFailure(mutate((b) => { b.answers.reverse(); }), InvalidBallot, 'shape');
  expectFailure(mutate((b) => { b.answers[0].selections.pop(); }), InvalidBallot, 'shape');
  expectFailure(mutate((b) => { b.answers[0].selections[0].proof.challenges.pop(); }), FormatError, 'shape');
  expectFailure(mutate((b) => { b.answers[1].sum_proof.challenges.push(b.answers[1].sum_proof.challenges[0]); }), FormatError);
  expectFailure(mutate((b) => { b.token_hash = b.token_hash.toUpperCase(); }), FormatError);
  assert.ok(new FormatError('x') instanceof Error && !(new FormatError('x') instanceof EncodingError));
});
