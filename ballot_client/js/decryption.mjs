/**
 * Threshold decryption of the tally (PROTOCOL.md §9).
 *
 * Member j publishes, for each aggregate (A, B), the share Dⱼ = sⱼA with a Chaum–Pedersen proof
 * that log_G Kⱼ = log_A Dⱼ. Any t valid shares combine by Lagrange interpolation at 0 into
 * D = sA, and M = B − D = mG reveals the count m by comparison with 0G, 1G, …, NG (N = number of
 * ballots aggregated; a count outside that range is an error, never a guess). Only aggregates are
 * ever decrypted, never a single ballot.
 */

import { FormatError, InvalidDecryption } from './errors.mjs';
import { bytesToHex, hexToBytes } from './encoding.mjs';
import {
  G, IDENTITY, invert, mod, mul, mulPublic, pointFromHex, pointToHex, sum,
} from './group.mjs';
import { osRandomScalar } from './rng.mjs';
import { loadElection, publicShare } from './election.mjs';
import { selectionLabel } from './ballot.mjs';
import {
  makeEqualityProof, proofFromJson, proofToJson, verifyEqualityProof,
} from './proofs.mjs';
import { checkHeader, isObject, requireInt } from './objects.mjs';

export const AGGREGATE_KIND = 'phieukin/aggregate';
export const DECRYPTION_SHARE_KIND = 'phieukin/decryption-share';
const IDENTITY_HEX = '0'.repeat(64);

function contextFrom({ context, manifest, election }) {
  return context ?? loadElection(manifest, election);
}

/**
 * @typedef {object} LoadedAggregate
 * @property {number} ballotCount - N
 * @property {Array<Array<{alpha: *, beta: *, alphaBytes: Uint8Array, betaBytes: Uint8Array}>>} ciphertexts
 */

/**
 * The `phieukin/aggregate` JSON of summed ciphertexts (the layout of `tally/aggregate.py`).
 * @param {import('./election.mjs').ElectionContext} context
 * @param {Array<Array<{alpha: *, beta: *}>>} ciphertexts - per question, per option
 * @param {number} ballotCount
 * @returns {object}
 */
export function aggregateToJson(context, ciphertexts, ballotCount) {
  return {
    version: 1,
    kind: AGGREGATE_KIND,
    election: context.fingerprintHex,
    ballot_count: ballotCount,
    questions: context.manifest.questions.map((question, q) => ({
      question: question.id,
      options: ciphertexts[q].map((c) => ({ alpha: pointToHex(c.alpha), beta: pointToHex(c.beta) })),
    })),
  };
}

/**
 * Load an aggregate; its points may be the identity only where no ballot was cast.
 * @param {import('./election.mjs').ElectionContext} context
 * @param {unknown} data
 * @returns {LoadedAggregate}
 */
export function loadAggregate(context, data) {
  const aggregate = checkHeader(data, AGGREGATE_KIND, 'aggregate');
  if (aggregate.election !== context.fingerprintHex) {
    throw new FormatError('bound to another election', 'aggregate.election');
  }
  const count = requireInt(aggregate.ballot_count, 'aggregate.ballot_count', 0, Number.MAX_SAFE_INTEGER);
  const { questions } = context.manifest;
  const rows = aggregate.questions;
  if (!Array.isArray(rows) || rows.length !== questions.length) {
    throw new FormatError('one entry per question', 'aggregate.questions');
  }
  const ciphertexts = questions.map((question, q) => {
    const row = rows[q];
    const subject = `aggregate ${question.id}`;
    if (!isObject(row) || row.question !== question.id) {
      throw new FormatError('questions must follow the manifest', subject);
    }
    const { options } = row;
    if (!Array.isArray(options) || options.length !== question.options.length) {
      throw new FormatError('one ciphertext per option', subject);
    }
    return options.map((option) => {
      if (count === 0) {
        if (!isObject(option) || option.alpha !== IDENTITY_HEX || option.beta !== IDENTITY_HEX
            || Object.keys(option).length !== 2) {
          throw new FormatError('an empty tally is the identity', subject);
        }
        return { alpha: IDENTITY, beta: IDENTITY, alphaBytes: new Uint8Array(32), betaBytes: new Uint8Array(32) };
      }
      if (!isObject(option)) throw new FormatError('expected an object with alpha and beta', subject);
      return {
        alpha: pointFromHex(option.alpha, `${subject}.alpha`),
        beta: pointFromHex(option.beta, `${subject}.beta`),
        alphaBytes: hexToBytes(option.alpha),
        betaBytes: hexToBytes(option.beta),
      };
    });
  });
  return { ballotCount: count, ciphertexts };
}

function aggregateFrom(context, aggregate) {
  return Array.isArray(aggregate?.ciphertexts) ? aggregate : loadAggregate(context, aggregate);
}

/**
 * Member j's decryption share of every aggregate: Dⱼ = sⱼA with a Chaum–Pedersen proof:
 * random w, a = wG, b = wA, c = Hs("decryption-proof", hₑ, j, label, Kⱼ, A, B, Dⱼ, a, b),
 * v = w + c·sⱼ. Draw order (§12): for each question and each option in order, the proof's w.
 * @param {object} args
 * @param {object} [args.manifest]
 * @param {object} [args.election]
 * @param {import('./election.mjs').ElectionContext} [args.context]
 * @param {number} args.index - j
 * @param {bigint} args.secretShare - sⱼ
 * @param {object} args.aggregate - the aggregate JSON (or a loaded aggregate)
 * @param {() => bigint} [args.rng]
 * @returns {object} the `phieukin/decryption-share` JSON
 */
export function makeDecryptionShare({
  manifest, election, context, index, secretShare, aggregate, rng = osRandomScalar,
}) {
  const ctx = contextFrom({ context, manifest, election });
  const loaded = aggregateFrom(ctx, aggregate);
  const publicKeyBytes = publicShare(ctx, index).toBytes();
  const shares = [];
  ctx.manifest.questions.forEach((question, q) => {
    loaded.ciphertexts[q].forEach((ciphertext, option) => {
      const label = selectionLabel(question.id, option);
      const share = mul(secretShare, ciphertext.alpha).toBytes();
      const proof = makeEqualityProof(
        'decryption-proof',
        [ctx.fingerprint, index, label, publicKeyBytes, ciphertext.alphaBytes, ciphertext.betaBytes, share],
        ciphertext.alpha, secretShare, rng,
      );
      shares.push({ question: question.id, option, share: bytesToHex(share), proof: proofToJson(proof) });
    });
  });
  return {
    version: 1,
    kind: DECRYPTION_SHARE_KIND,
    election: ctx.fingerprintHex,
    trustee: index,
    shares,
  };
}

/**
 * Check a decryption share object against the election and the aggregate: header, election,
 * trustee index in 1..n, one entry per question and option in order, every point and scalar,
 * every proof (a = vG − cKⱼ, b = vA − cDⱼ, c recomputed). Throws on the first failure.
 * @param {object} args
 * @param {object} [args.manifest]
 * @param {object} [args.election]
 * @param {import('./election.mjs').ElectionContext} [args.context]
 * @param {object} args.aggregate - JSON or loaded
 * @param {object} args.share - the decryption-share JSON
 * @returns {{trustee: number, shares: Array<Array<*>>}} Dⱼ per question and option
 */
export function verifyDecryptionShare({ manifest, election, context, aggregate, share }) {
  const ctx = contextFrom({ context, manifest, election });
  const loaded = aggregateFrom(ctx, aggregate);
  const data = checkHeader(share, DECRYPTION_SHARE_KIND, 'decryption share');
  if (data.election !== ctx.fingerprintHex) {
    throw new FormatError('bound to another election', 'decryption share.election');
  }
  const index = data.trustee;
  if (!Number.isSafeInteger(index)) throw new FormatError('must be an integer', 'decryption share.trustee');
  if (index < 1 || index > ctx.manifest.committeeSize) {
    throw new InvalidDecryption('trustee', `trustee ${index}`, 'not on the committee');
  }
  const publicKey = publicShare(ctx, index);
  const publicKeyBytes = publicKey.toBytes();
  const entries = data.shares;
  const expected = ctx.manifest.questions.reduce((n, question) => n + question.options.length, 0);
  if (!Array.isArray(entries) || entries.length !== expected) {
    throw new FormatError(`expected ${expected} shares`, 'decryption share.shares');
  }
  let position = 0;
  const shares = ctx.manifest.questions.map((question, q) => loaded.ciphertexts[q].map((ciphertext, option) => {
    const entry = entries[position++];
    const label = selectionLabel(question.id, option);
    const subject = `trustee ${index}, ${label}`;
    if (!isObject(entry) || entry.question !== question.id || entry.option !== option) {
      throw new FormatError('shares must follow the manifest order', subject);
    }
    const proofSubject = `decryption share of trustee ${index}, ${label}`;
    // With no ballot A is the identity, hence so is Dⱼ = sⱼA (PROTOCOL.md §9); anywhere else
    // the share is validated like any received point.
    const point = ciphertext.alpha.is0() && entry.share === IDENTITY_HEX
      ? IDENTITY
      : pointFromHex(entry.share, `${subject}.share`);
    const proof = proofFromJson(entry.proof, subject);
    verifyEqualityProof(
      'decryption-proof',
      [ctx.fingerprint, index, label, publicKeyBytes, ciphertext.alphaBytes, ciphertext.betaBytes, hexToBytes(entry.share)],
      ciphertext.alpha, publicKey, point, proof, proofSubject,
    );
    return point;
  }));
  return { trustee: index, shares };
}

/**
 * λⱼ = Π_{i ∈ S, i ≠ j} i / (i − j) mod ℓ: the weight of share j when interpolating at 0.
 * @param {number} index - j
 * @param {number[]} indices - S
 * @returns {bigint}
 */
export function lagrangeCoefficient(index, indices) {
  let numerator = 1n;
  let denominator = 1n;
  for (const other of indices) {
    if (other !== index) {
      numerator = mod(numerator * BigInt(other));
      denominator = mod(denominator * BigInt(other - index));
    }
  }
  return mod(numerator * invert(denominator));
}

/**
 * The m in 0..maximum with mG = `point`, or null if there is none.
 * @param {*} point
 * @param {number} maximum
 * @returns {number|null}
 */
export function smallDiscreteLog(point, maximum) {
  let candidate = IDENTITY;
  for (let m = 0; m <= maximum; m++) {
    if (candidate.equals(point)) return m;
    candidate = candidate.add(G);
  }
  return null;
}

/**
 * Combine verified decryption shares into the counts: D = Σ_{j∈S} λⱼDⱼ, M = B − D, m = log_G M
 * with 0 ≤ m ≤ N. Throws `InvalidDecryption` for too few or duplicated trustees, or a count
 * out of range (check "count", subject "q01/2").
 * @param {object} args
 * @param {object} [args.manifest]
 * @param {object} [args.election]
 * @param {import('./election.mjs').ElectionContext} [args.context]
 * @param {object} args.aggregate - JSON or loaded
 * @param {Array<object>} args.shares - decryption-share JSON objects (verified here) or the
 *   results of `verifyDecryptionShare`
 * @returns {number[][]} per question, per option, the number of votes
 */
export function combineDecryptionShares({ manifest, election, context, aggregate, shares }) {
  const ctx = contextFrom({ context, manifest, election });
  const loaded = aggregateFrom(ctx, aggregate);
  const verified = shares.map((share) => (share.kind === DECRYPTION_SHARE_KIND
    ? verifyDecryptionShare({ context: ctx, aggregate: loaded, share })
    : share));
  const indices = verified.map((v) => v.trustee);
  if (new Set(indices).size !== indices.length) {
    throw new InvalidDecryption('distinct', 'decryption shares', 'a trustee appears twice');
  }
  for (const j of indices) {
    if (!Number.isInteger(j) || j < 1 || j > ctx.manifest.committeeSize) {
      throw new InvalidDecryption('trustee', `trustee ${j}`, 'not on the committee');
    }
  }
  const { threshold } = ctx.manifest;
  if (indices.length < threshold) {
    throw new InvalidDecryption('threshold', 'decryption shares', `${indices.length} of the ${threshold} needed`);
  }
  const weights = indices.map((j) => lagrangeCoefficient(j, indices));
  return ctx.manifest.questions.map((question, q) => loaded.ciphertexts[q].map((ciphertext, option) => {
    const combined = sum(verified.map((v, position) => mulPublic(weights[position], v.shares[q][option])));
    const count = smallDiscreteLog(ciphertext.beta.subtract(combined), loaded.ballotCount);
    if (count === null) {
      throw new InvalidDecryption('count', selectionLabel(question.id, option), `no count in 0..${loaded.ballotCount}`);
    }
    return count;
  }));
}
