/**
 * Zero-knowledge proofs with strong Fiat–Shamir (PROTOCOL.md §5, §7, §9).
 *
 * - range proof: a disjunctive Chaum–Pedersen proof (Cramer–Damgård–Schoenmakers) that an
 *   ElGamal ciphertext (α, β) encrypts one value of a small list V (0/1 per option, the allowed
 *   sum per question);
 * - Schnorr proof of knowledge of a discrete log (key-ceremony coefficients and keys);
 * - Chaum–Pedersen proof of equal discrete logs (decryption shares).
 *
 * Every challenge hashes a domain tag, the binding (election, token, label), the whole statement
 * and the commitments. Proofs are stored in challenge form; the verifier recomputes the
 * commitments and the challenge. Each `make*` has its `verify*`, which throws `InvalidProof`.
 *
 * Points that enter a hash are passed as bytes, encoded exactly once by the caller.
 */

import { FormatError, InvalidProof } from './errors.mjs';
import { Hs } from './hashing.mjs';
import {
  baseMul, baseMulPublic, mod, mul, mulPublic, scalarFromHex, scalarToHex,
} from './group.mjs';
import { isObject } from './objects.mjs';

// --- range proof (disjunctive Chaum–Pedersen) -------------------------------------------------

/**
 * @typedef {object} RangeStatement
 * @property {{election: Uint8Array, tokenHash: Uint8Array, label: string}} binding - hₑ, token
 *   hash and label ("q01/2", "q01/sum")
 * @property {*} key - K (a fixed-base point) and `keyBytes` its encoding
 * @property {Uint8Array} keyBytes
 * @property {*} alpha - α, with `alphaBytes` its encoding
 * @property {Uint8Array} alphaBytes
 * @property {*} beta - β, with `betaBytes` its encoding
 * @property {Uint8Array} betaBytes
 * @property {number[]} allowed - V = [m₀, …, m_{k−1}]
 */

function rangeChallenge(statement, commitments) {
  const { binding, allowed } = statement;
  return Hs(
    'range-proof', binding.election, binding.tokenHash, binding.label,
    statement.keyBytes, statement.alphaBytes, statement.betaBytes,
    allowed.length, ...allowed, ...commitments,
  );
}

/**
 * Prove that (α, β) = (rG, rK + m_τG) encrypts `value` = m_τ ∈ V.
 *
 * Simulated branch i ≠ τ: random cᵢ, uᵢ; aᵢ = uᵢG, bᵢ = uᵢK + cᵢ(mᵢ − m_τ)G, vᵢ = uᵢ + cᵢr
 * (only fixed-base multiplications). True branch τ: random w; a_τ = wG, b_τ = wK.
 * c = Hs("range-proof", hₑ, token_hash, label, K, α, β, k, m₀…, a₀, b₀, …);
 * c_τ = c − Σ_{i≠τ} cᵢ, v_τ = w + c_τ r. Nonces are drawn branch by branch (cᵢ then uᵢ, or w).
 * @param {RangeStatement} statement
 * @param {bigint} nonce - r
 * @param {number} value - m_τ, which must be in `statement.allowed`
 * @param {() => bigint} rng - nonce source
 * @returns {{challenges: bigint[], responses: bigint[]}}
 */
export function makeRangeProof(statement, nonce, value, rng) {
  const { allowed, key } = statement;
  const trueIndex = allowed.indexOf(value);
  if (trueIndex < 0) throw new RangeError('the value is not in the allowed list');
  const challenges = new Array(allowed.length).fill(0n);
  const responses = new Array(allowed.length).fill(0n);
  const commitments = [];
  let witness = 0n;
  for (let index = 0; index < allowed.length; index++) {
    if (index === trueIndex) {
      witness = rng();
      commitments.push(baseMul(witness).toBytes(), mul(witness, key).toBytes());
      continue;
    }
    const challenge = rng();
    const blind = rng();
    challenges[index] = challenge;
    responses[index] = mod(blind + challenge * nonce);
    const shift = mod(challenge * BigInt(allowed[index] - value));
    const b = mul(blind, key).add(baseMul(shift));
    commitments.push(baseMul(blind).toBytes(), b.toBytes());
  }
  const total = rangeChallenge(statement, commitments);
  const trueChallenge = mod(total - challenges.reduce((a, b) => a + b, 0n));
  challenges[trueIndex] = trueChallenge;
  responses[trueIndex] = mod(witness + trueChallenge * nonce);
  return { challenges, responses };
}

/**
 * Check a range proof: recompute aᵢ = vᵢG − cᵢα and bᵢ = vᵢK − cᵢ(β − mᵢG) for every branch,
 * recompute c and require Σ cᵢ = c (mod ℓ); otherwise throw `InvalidProof("challenge", subject)`.
 * @param {RangeStatement} statement
 * @param {{challenges: bigint[], responses: bigint[]}} proof
 * @param {string} subject
 */
export function verifyRangeProof(statement, proof, subject) {
  const { allowed, key, alpha, beta } = statement;
  const { challenges, responses } = proof;
  if (challenges.length !== allowed.length || responses.length !== allowed.length) {
    throw new InvalidProof('shape', subject, 'one challenge and response per allowed value');
  }
  const commitments = [];
  for (let index = 0; index < allowed.length; index++) {
    const candidate = allowed[index];
    const c = challenges[index];
    const v = responses[index];
    const shifted = candidate ? beta.subtract(baseMulPublic(BigInt(candidate))) : beta;
    commitments.push(
      baseMulPublic(v).subtract(mulPublic(c, alpha)).toBytes(),
      mulPublic(v, key).subtract(mulPublic(c, shifted)).toBytes(),
    );
  }
  const expected = rangeChallenge(statement, commitments);
  if (mod(challenges.reduce((a, b) => a + b, 0n)) !== expected) {
    throw new InvalidProof('challenge', subject);
  }
}

/**
 * JSON form of a range proof: `{"challenges": [hex…], "responses": [hex…]}`.
 * @param {{challenges: bigint[], responses: bigint[]}} proof
 * @returns {{challenges: string[], responses: string[]}}
 */
export function rangeProofToJson(proof) {
  return {
    challenges: proof.challenges.map(scalarToHex),
    responses: proof.responses.map(scalarToHex),
  };
}

/**
 * Load a range proof with exactly `branches` challenges and responses (scalars validated).
 * @param {unknown} data
 * @param {number} branches
 * @param {string} subject
 * @returns {{challenges: bigint[], responses: bigint[]}}
 */
export function rangeProofFromJson(data, branches, subject) {
  if (!isObject(data)) throw new FormatError('expected an object with challenges and responses', subject);
  for (const name of ['challenges', 'responses']) {
    if (!Array.isArray(data[name]) || data[name].length !== branches) {
      throw new FormatError(`expected ${branches} ${name}`, subject);
    }
  }
  return {
    challenges: data.challenges.map((c) => scalarFromHex(c, `${subject}.challenges`)),
    responses: data.responses.map((v) => scalarFromHex(v, `${subject}.responses`)),
  };
}

// --- Schnorr and Chaum–Pedersen -----------------------------------------------------------------

/**
 * Prove knowledge of `secret` with X = secret·G, where X's encoding is the last statement part:
 * random u, h = uG, c = Hs(tag, statement…, h), v = u + c·secret.
 * @param {string} tag - "coefficient-proof" or "encryption-key-proof"
 * @param {Array<Uint8Array|string|number|bigint>} statement
 * @param {bigint} secret
 * @param {() => bigint} rng
 * @returns {{challenge: bigint, response: bigint}}
 */
export function makeSchnorrProof(tag, statement, secret, rng) {
  const witness = rng();
  const commitment = baseMul(witness).toBytes();
  const challenge = Hs(tag, ...statement, commitment);
  return { challenge, response: mod(witness + challenge * secret) };
}

/**
 * Recompute h = vG − c·X and check c = Hs(tag, statement…, h); throw `InvalidProof` otherwise.
 * @param {string} tag
 * @param {Array<Uint8Array|string|number|bigint>} statement
 * @param {*} publicPoint - X
 * @param {{challenge: bigint, response: bigint}} proof
 * @param {string} subject
 */
export function verifySchnorrProof(tag, statement, publicPoint, proof, subject) {
  const commitment = baseMulPublic(proof.response).subtract(mulPublic(proof.challenge, publicPoint));
  if (Hs(tag, ...statement, commitment.toBytes()) !== proof.challenge) {
    throw new InvalidProof('challenge', subject);
  }
}

/**
 * Chaum–Pedersen: prove log_G(secret·G) = log_base(secret·base).
 * a = wG, b = w·base, c = Hs(tag, statement…, a, b), v = w + c·secret.
 * @param {string} tag
 * @param {Array<Uint8Array|string|number|bigint>} statement
 * @param {*} base
 * @param {bigint} secret
 * @param {() => bigint} rng
 * @returns {{challenge: bigint, response: bigint}}
 */
export function makeEqualityProof(tag, statement, base, secret, rng) {
  const witness = rng();
  const a = baseMul(witness).toBytes();
  const b = mul(witness, base).toBytes();
  const challenge = Hs(tag, ...statement, a, b);
  return { challenge, response: mod(witness + challenge * secret) };
}

/**
 * Recompute a = vG − c·public, b = v·base − c·result and check the challenge.
 * @param {string} tag
 * @param {Array<Uint8Array|string|number|bigint>} statement
 * @param {*} base
 * @param {*} publicPoint - secret·G
 * @param {*} result - secret·base
 * @param {{challenge: bigint, response: bigint}} proof
 * @param {string} subject
 */
export function verifyEqualityProof(tag, statement, base, publicPoint, result, proof, subject) {
  const { challenge: c, response: v } = proof;
  const a = baseMulPublic(v).subtract(mulPublic(c, publicPoint));
  const b = mulPublic(v, base).subtract(mulPublic(c, result));
  if (Hs(tag, ...statement, a.toBytes(), b.toBytes()) !== c) {
    throw new InvalidProof('challenge', subject);
  }
}

/**
 * JSON form of a challenge–response proof: `{"challenge": hex, "response": hex}`.
 * @param {{challenge: bigint, response: bigint}} proof
 * @returns {{challenge: string, response: string}}
 */
export function proofToJson(proof) {
  return { challenge: scalarToHex(proof.challenge), response: scalarToHex(proof.response) };
}

/**
 * Load a challenge–response proof (scalars validated).
 * @param {unknown} data
 * @param {string} subject
 * @returns {{challenge: bigint, response: bigint}}
 */
export function proofFromJson(data, subject) {
  if (!isObject(data)) throw new FormatError('expected an object with challenge and response', subject);
  return {
    challenge: scalarFromHex(data.challenge, `${subject}.challenge`),
    response: scalarFromHex(data.response, `${subject}.response`),
  };
}
