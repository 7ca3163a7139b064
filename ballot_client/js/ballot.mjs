/**
 * Encrypted ballots: encrypt, verify, tracker (PROTOCOL.md §7–8).
 *
 * A ballot has one exponential-ElGamal ciphertext (α, β) = (rG, rK + mG) per option of every
 * question, a range proof that each m is 0 or 1, and a sum proof per question that the
 * selections add up to an allowed number. Every proof is bound to the election fingerprint hₑ
 * and to the ballot's token hash, so no part of a ballot can be moved to another election or
 * token.
 *
 * Speed: the browser must encrypt a 30-question ballot quickly on a phone. All prover
 * multiplications use the precomputed bases G and K, and each point is encoded once (its bytes
 * serve both the Fiat–Shamir hash and the JSON).
 */

import { FormatError, InvalidBallot } from './errors.mjs';
import { bytesToHex, canonicalBytes, hexToBytes } from './encoding.mjs';
import { H32 } from './hashing.mjs';
import { G, IDENTITY, baseMul, mod, mul, pointFromHex, sum } from './group.mjs';
import { osRandomScalar } from './rng.mjs';
import { loadElection } from './election.mjs';
import {
  makeRangeProof, rangeProofFromJson, rangeProofToJson, verifyRangeProof,
} from './proofs.mjs';
import { checkHeader, requireKeys } from './objects.mjs';
import { receiptCode } from './token.mjs';

export const BALLOT_KIND = 'phieukin/ballot';
export const ENCRYPTION_KIND = 'phieukin/encryption';
const SELECTION_VALUES = [0, 1];
const BALLOT_KEYS = ['version', 'kind', 'election', 'token_hash', 'answers'];
const ANSWER_KEYS = ['question', 'selections', 'sum_proof'];
const SELECTION_KEYS = ['alpha', 'beta', 'proof'];
const PROOF_KEYS = ['challenges', 'responses'];
const HEX64 = /^[0-9a-f]{64}$/;

/** The label of option `option` (from 0) of a question: "q01/2". */
export const selectionLabel = (questionId, option) => `${questionId}/${option}`;
/** The label of a question's sum proof: "q01/sum". */
export const sumLabel = (questionId) => `${questionId}/sum`;

function contextFrom({ context, manifest, election }) {
  return context ?? loadElection(manifest, election);
}

function tokenHashBytes(tokenHash) {
  if (tokenHash instanceof Uint8Array && tokenHash.length === 32) return tokenHash;
  if (typeof tokenHash === 'string' && HEX64.test(tokenHash)) return hexToBytes(tokenHash);
  throw new FormatError('expected 32 bytes (or 64 lowercase hex characters)', 'token_hash');
}

/**
 * The option indices a choice selects (a Set); a RangeError if the question does not allow it.
 * @param {import('./election.mjs').Question} question
 * @param {number|number[]|null|undefined} choice
 */
export function selectedOptions(question, choice) {
  let chosen;
  if (choice === null || choice === undefined) chosen = [];
  else if (Array.isArray(choice)) chosen = choice;
  else chosen = [choice];
  const picked = new Set(chosen);
  if (picked.size !== chosen.length
    || !chosen.every((c) => Number.isInteger(c) && c >= 0 && c < question.options.length)) {
    throw new RangeError(`question ${question.id} has no such options: ${JSON.stringify(chosen)}`);
  }
  if (picked.size < question.minSelections || picked.size > question.maxSelections) {
    throw new RangeError(
      `question ${question.id} needs ${question.minSelections} to ${question.maxSelections} options, got ${picked.size}`,
    );
  }
  return picked;
}

/**
 * Encrypt a ballot step by step: a generator that yields `{done, total}` after each question
 * (so a page can repaint between questions) and returns the sealed ballot
 * `{ballot, nonces, selected}` — the ballot JSON, the encryption nonces r per question and
 * option, kept only until the voter casts the ballot (forgotten) or audits it (revealed by
 * `openBallot`), and per question the selected option indices in increasing order.
 *
 * For each question in manifest order and each option in order: draw r, encrypt m ∈ {0, 1},
 * prove m ∈ [0, 1]; then prove that (Σα, Σβ) with nonce Σr encrypts a value in
 * [min_selections … max_selections]. This is the nonce draw order of §7.
 * @param {object} args
 * @param {object} [args.manifest] - the manifest JSON (with `election`, unless `context` is given)
 * @param {object} [args.election] - the election JSON
 * @param {import('./election.mjs').ElectionContext} [args.context] - a loaded election
 * @param {string|Uint8Array} args.tokenHash - the token hash (64 hex characters or 32 bytes)
 * @param {Array<number|number[]|null>} args.choices - per question, the chosen option index,
 *   null for a blank answer (only where min_selections is 0), or the list of chosen indices
 *   (where max_selections allows more than one)
 * @param {() => bigint} [args.rng] - nonce source (default: the platform CSPRNG)
 * @returns {Generator<{done: number, total: number}, {ballot: object, nonces: bigint[][], selected: number[][]}>}
 */
export function* encryptBallotSteps({ manifest, election, context, tokenHash, choices, rng = osRandomScalar }) {
  const ctx = contextFrom({ context, manifest, election });
  const { questions } = ctx.manifest;
  const token = tokenHashBytes(tokenHash);
  if (!Array.isArray(choices) || choices.length !== questions.length) {
    throw new RangeError(`expected ${questions.length} choices`);
  }
  const key = ctx.jointKey;
  const keyBytes = ctx.jointKeyBytes;
  const answers = [];
  const nonces = [];
  const selected = [];
  for (const [q, question] of questions.entries()) {
    const picked = selectedOptions(question, choices[q]);
    selected.push([...picked].sort((x, y) => x - y));
    const selections = [];
    const alphas = [];
    const betas = [];
    const drawn = [];
    let totalNonce = 0n;
    for (let option = 0; option < question.options.length; option++) {
      const message = picked.has(option) ? 1 : 0;
      const nonce = rng();
      const alpha = baseMul(nonce);
      const masked = mul(nonce, key);
      const beta = message ? masked.add(G) : masked;
      const alphaBytes = alpha.toBytes();
      const betaBytes = beta.toBytes();
      const proof = makeRangeProof({
        binding: { election: ctx.fingerprint, tokenHash: token, label: selectionLabel(question.id, option) },
        key, keyBytes, alpha, alphaBytes, beta, betaBytes, allowed: SELECTION_VALUES,
      }, nonce, message, rng);
      selections.push({ alpha: bytesToHex(alphaBytes), beta: bytesToHex(betaBytes), proof: rangeProofToJson(proof) });
      alphas.push(alpha);
      betas.push(beta);
      drawn.push(nonce);
      totalNonce = mod(totalNonce + nonce);
    }
    const alpha = sum(alphas);
    const beta = sum(betas);
    const sumProof = makeRangeProof({
      binding: { election: ctx.fingerprint, tokenHash: token, label: sumLabel(question.id) },
      key, keyBytes, alpha, alphaBytes: alpha.toBytes(), beta, betaBytes: beta.toBytes(),
      allowed: question.allowedSums,
    }, totalNonce, picked.size, rng);
    answers.push({ question: question.id, selections, sum_proof: rangeProofToJson(sumProof) });
    nonces.push(drawn);
    yield { done: q + 1, total: questions.length };
  }
  const ballot = {
    version: 1,
    kind: BALLOT_KIND,
    election: ctx.fingerprintHex,
    token_hash: bytesToHex(token),
    answers,
  };
  return { ballot, nonces, selected };
}

/**
 * Encrypt a ballot at once (see `encryptBallotSteps`); returns the sealed ballot
 * `{ballot, nonces, selected}`.
 * @param {object} args - as for `encryptBallotSteps`
 * @returns {{ballot: object, nonces: bigint[][], selected: number[][]}}
 */
export function sealBallot(args) {
  const steps = encryptBallotSteps(args);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * Encrypt a ballot (see `encryptBallotSteps`); returns the `phieukin/ballot` JSON.
 * @param {object} args - as for `encryptBallotSteps`
 * @returns {object}
 */
export function encryptBallot(args) {
  return sealBallot(args).ballot;
}

/**
 * Check a received ballot completely: header, exact keys, election fingerprint, token hash,
 * shape against the manifest, every point and scalar (§1 validation), every range proof and
 * every sum proof. Throws `FormatError`, `InvalidBallot`, `InvalidPoint`, `InvalidScalar` or
 * `InvalidProof` (subject "q01/2", "q01/sum") on the first failure.
 * @param {object} args
 * @param {object} args.ballot - the ballot JSON
 * @param {object} [args.manifest]
 * @param {object} [args.election]
 * @param {import('./election.mjs').ElectionContext} [args.context]
 * @returns {{tracker: string, tokenHash: string, ciphertexts: Array<Array<{alpha: *, beta: *}>>}}
 */
export function verifyBallot({ ballot, manifest, election, context }) {
  const ctx = contextFrom({ context, manifest, election });
  const data = requireKeys(checkHeader(ballot, BALLOT_KIND, 'ballot'), BALLOT_KEYS, 'ballot');
  if (data.election !== ctx.fingerprintHex) {
    throw new InvalidBallot('election', 'ballot', 'bound to another election');
  }
  if (typeof data.token_hash !== 'string' || !HEX64.test(data.token_hash)) {
    throw new FormatError('expected 64 lowercase hex characters', 'ballot.token_hash');
  }
  const token = hexToBytes(data.token_hash);
  const { questions } = ctx.manifest;
  const { answers } = data;
  if (!Array.isArray(answers) || answers.length !== questions.length) {
    throw new InvalidBallot('shape', 'ballot', `expected ${questions.length} answers`);
  }
  const key = ctx.jointKey;
  const keyBytes = ctx.jointKeyBytes;
  const ciphertexts = questions.map((question, q) => {
    const answer = answers[q];
    const subject = `ballot answer ${question.id}`;
    requireKeys(answer, ANSWER_KEYS, subject);
    if (answer.question !== question.id) {
      throw new InvalidBallot('shape', subject, 'answers must follow the manifest order');
    }
    const { selections } = answer;
    if (!Array.isArray(selections) || selections.length !== question.options.length) {
      throw new InvalidBallot('shape', subject, `expected ${question.options.length} selections`);
    }
    const row = selections.map((selection, option) => {
      const label = selectionLabel(question.id, option);
      requireKeys(selection, SELECTION_KEYS, label);
      requireKeys(selection.proof, PROOF_KEYS, `${label}.proof`);
      const alpha = pointFromHex(selection.alpha, `${label}.alpha`);
      const beta = pointFromHex(selection.beta, `${label}.beta`);
      const proof = rangeProofFromJson(selection.proof, 2, `${label}.proof`);
      verifyRangeProof({
        binding: { election: ctx.fingerprint, tokenHash: token, label },
        key, keyBytes, alpha, alphaBytes: hexToBytes(selection.alpha),
        beta, betaBytes: hexToBytes(selection.beta), allowed: SELECTION_VALUES,
      }, proof, label);
      return { alpha, beta };
    });
    const label = sumLabel(question.id);
    requireKeys(answer.sum_proof, PROOF_KEYS, label);
    const sumProof = rangeProofFromJson(answer.sum_proof, question.allowedSums.length, label);
    const alpha = sum(row.map((c) => c.alpha));
    const beta = sum(row.map((c) => c.beta));
    verifyRangeProof({
      binding: { election: ctx.fingerprint, tokenHash: token, label },
      key, keyBytes, alpha, alphaBytes: alpha.toBytes(), beta, betaBytes: beta.toBytes(),
      allowed: question.allowedSums,
    }, sumProof, label);
    return row;
  });
  return { tracker: tracker(data), tokenHash: data.token_hash, ciphertexts };
}

/**
 * The part of a ballot (or of an audited ballot) its tracker covers: the election and the
 * ciphertexts, `{"version", "kind": "phieukin/encryption", "election", "answers": [{"question",
 * "selections": [{"alpha", "beta"}, …]}, …]}` — not the proofs or the token hash, so a ballot
 * and the audited ballot that opens it have the same tracker.
 * @param {object} ballot
 * @returns {object}
 */
export function encryptionOf(ballot) {
  if (!ballot || typeof ballot !== 'object' || !Array.isArray(ballot.answers)) {
    throw new FormatError('expected an object with answers', 'ballot');
  }
  return {
    version: 1,
    kind: ENCRYPTION_KIND,
    election: ballot.election ?? null,
    answers: ballot.answers.map((answer) => {
      if (!answer || !Array.isArray(answer.selections)) {
        throw new FormatError('expected answers with selections', 'ballot.answers');
      }
      return {
        question: answer.question ?? null,
        selections: answer.selections.map((s) => {
          if (!s || typeof s !== 'object') throw new FormatError('expected selection objects', 'ballot.answers');
          return { alpha: s.alpha ?? null, beta: s.beta ?? null };
        }),
      };
    }),
  };
}

/**
 * The ballot tracker `H32("tracker", canonical(encryption))`, as 64 hex characters.
 * @param {object} ballot - a ballot or an audited ballot
 * @returns {string}
 */
export function tracker(ballot) {
  return bytesToHex(H32('tracker', canonicalBytes(encryptionOf(ballot))));
}

/**
 * The receipt form of a tracker: its first 10 bytes as 16 Crockford base-32 characters in
 * groups of four (`7K2D-…`).
 * @param {object|string} ballotOrTracker - a ballot, or a tracker as 64 hex characters
 * @returns {string}
 */
export function trackerCode(ballotOrTracker) {
  const value = typeof ballotOrTracker === 'string' ? ballotOrTracker : tracker(ballotOrTracker);
  return receiptCode(hexToBytes(value, 'tracker'));
}

/**
 * The homomorphic aggregate of verified ballots: per question and option, (Σα, Σβ), which
 * encrypts the number of votes for that option.
 * @param {import('./election.mjs').ElectionContext} context
 * @param {Array<Array<Array<{alpha: *, beta: *}>>>} ballots - `ciphertexts` of `verifyBallot`
 * @returns {Array<Array<{alpha: *, beta: *}>>}
 */
export function aggregateCiphertexts(context, ballots) {
  return context.manifest.questions.map((question, q) => question.options.map((_, o) => ({
    alpha: ballots.reduce((total, ballot) => total.add(ballot[q][o].alpha), IDENTITY),
    beta: ballots.reduce((total, ballot) => total.add(ballot[q][o].beta), IDENTITY),
  })));
}
