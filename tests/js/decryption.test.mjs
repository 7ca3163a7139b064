// Round-trip and attack tests of aggregation and threshold decryption (§9).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  FormatError, G, IDENTITY, InvalidDecryption, InvalidPoint, InvalidProof, aggregateCiphertexts,
  aggregateToJson, baseMul, combineDecryptionShares, encryptBallot, lagrangeCoefficient,
  makeDecryptionShare, pointToHex, scalarToHex, smallDiscreteLog, testRng, tokenHash,
  verifyBallot, verifyDecryptionShare,
} from '../../ballot_client/js/index.mjs';
import { makeManifest, runCeremony } from './helpers.mjs';

const manifest = makeManifest({ questions: 2, t: 2, n: 3 });
const ceremony = runCeremony(manifest);
const { context, secretShares } = ceremony;
const clone = (value) => structuredClone(value);
const CHOICES = [[null, 0], [1, 0], [1, 3], [3, 0]];
const EXPECTED = [[0, 2, 0, 1], [3, 0, 0, 1]];

const verified = CHOICES.map((choices, i) => verifyBallot({
  context,
  ballot: encryptBallot({ context, tokenHash: tokenHash(`${'0'.repeat(25)}${'048C'[i]}`), choices, rng: testRng(`b${i}`) }),
}));
const aggregate = aggregateToJson(context, aggregateCiphertexts(context, verified.map((v) => v.ciphertexts)), CHOICES.length);
const shares = new Map([1, 2, 3].map((j) => [j, makeDecryptionShare({
  context, index: j, secretShare: secretShares.get(j), aggregate, rng: testRng(`decrypt-${j}`),
})]));

test('any t of the n decryption shares give the counts', () => {
  for (const subset of [[1, 2], [1, 3], [2, 3], [1, 2, 3], [3, 1]]) {
    const counts = combineDecryptionShares({ context, aggregate, shares: subset.map((j) => shares.get(j)) });
    assert.deepEqual(counts, EXPECTED, String(subset));
  }
});

test('a decryption share has the shape of §9 and verifies', () => {
  const share = shares.get(2);
  assert.equal(share.kind, 'phieukin/decryption-share');
  assert.equal(share.trustee, 2);
  assert.equal(share.shares.length, 8);
  assert.deepEqual(Object.keys(share.shares[5]).sort(), ['option', 'proof', 'question', 'share']);
  assert.equal(share.shares[5].question, 'q02');
  assert.equal(share.shares[5].option, 1);
  verifyDecryptionShare({ context, aggregate, share });
});

test('a bad decryption share proof is refused naming the trustee and the option', () => {
  const isProof = (subject) => (e) => e instanceof InvalidProof && e.check === 'challenge' && e.subject === subject;
  const wrongPoint = clone(shares.get(1));
  wrongPoint.shares[2].share = pointToHex(G);
  assert.throws(() => verifyDecryptionShare({ context, aggregate, share: wrongPoint }),
    isProof('decryption share of trustee 1, q01/2'));
  const wrongResponse = clone(shares.get(1));
  wrongResponse.shares[0].proof.response = scalarToHex(1n);
  assert.throws(() => verifyDecryptionShare({ context, aggregate, share: wrongResponse }),
    isProof('decryption share of trustee 1, q01/0'));
  const impersonated = clone(shares.get(1));
  impersonated.trustee = 2;
  assert.throws(() => verifyDecryptionShare({ context, aggregate, share: impersonated }), InvalidProof);
  assert.throws(() => combineDecryptionShares({ context, aggregate, shares: [wrongPoint, shares.get(2)] }), InvalidProof);
  const identity = clone(shares.get(1));
  identity.shares[0].share = '0'.repeat(64);
  assert.throws(() => verifyDecryptionShare({ context, aggregate, share: identity }), InvalidPoint);
  const reordered = clone(shares.get(1));
  reordered.shares.reverse();
  assert.throws(() => verifyDecryptionShare({ context, aggregate, share: reordered }), FormatError);
});

test('a share made for another aggregate does not verify against this one', () => {
  const fewer = aggregateToJson(context, aggregateCiphertexts(context, verified.slice(1).map((v) => v.ciphertexts)), 3);
  assert.throws(() => verifyDecryptionShare({ context, aggregate: fewer, share: shares.get(1) }), InvalidProof);
});

test('too few, duplicated or unknown trustees, and out-of-range counts, are refused', () => {
  const check = (name) => (e) => e instanceof InvalidDecryption && e.check === name;
  assert.throws(() => combineDecryptionShares({ context, aggregate, shares: [shares.get(1)] }), check('threshold'));
  assert.throws(() => combineDecryptionShares({ context, aggregate, shares: [shares.get(1), shares.get(1)] }), check('distinct'));
  const stranger = clone(shares.get(1));
  stranger.trustee = 4;
  assert.throws(() => verifyDecryptionShare({ context, aggregate, share: stranger }), check('trustee'));
  const understated = clone(aggregate);
  understated.ballot_count = 1; // q01 option 1 has 2 votes
  assert.throws(() => combineDecryptionShares({
    context, aggregate: understated, shares: [1, 2].map((j) => makeDecryptionShare({
      context, index: j, secretShare: secretShares.get(j), aggregate: understated,
    })),
  }), (e) => check('count')(e) && e.subject === 'q01/1');
  const foreign = clone(shares.get(1));
  foreign.election = 'ab'.repeat(32);
  assert.throws(() => verifyDecryptionShare({ context, aggregate, share: foreign }), FormatError);
});

test('Lagrange coefficients and small discrete logs', () => {
  assert.equal(lagrangeCoefficient(1, [1, 2]), 2n);
  assert.equal((lagrangeCoefficient(2, [1, 2]) + 1n) % 7237005577332262213973186563042994240857116359379907606001950938285454250989n, 0n);
  assert.equal(smallDiscreteLog(IDENTITY, 5), 0);
  assert.equal(smallDiscreteLog(baseMul(5n), 5), 5);
  assert.equal(smallDiscreteLog(baseMul(6n), 5), null);
});

test('an empty tally decrypts to zero counts; its shares are the identity', () => {
  const empty = aggregateToJson(context, aggregateCiphertexts(context, []), 0);
  assert.equal(empty.questions[0].options[0].alpha, '0'.repeat(64));
  const zeroShares = [1, 2].map((j) => makeDecryptionShare({ context, index: j, secretShare: secretShares.get(j), aggregate: empty }));
  assert.equal(zeroShares[0].shares[0].share, '0'.repeat(64));
  assert.deepEqual(combineDecryptionShares({ context, aggregate: empty, shares: zeroShares }), [[0, 0, 0, 0], [0, 0, 0, 0]]);
  const identityElsewhere = clone(shares.get(1));
  identityElsewhere.shares[1].share = '0'.repeat(64);
  assert.throws(() => verifyDecryptionShare({ context, aggregate, share: identityElsewhere }), InvalidPoint);
  const notEmpty = clone(empty);
  notEmpty.questions[0].options[0].alpha = pointToHex(G);
  assert.throws(() => verifyDecryptionShare({ context, aggregate: notEmpty, share: zeroShares[0] }), FormatError);
});
