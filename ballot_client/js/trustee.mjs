/**
 * The committee's t-of-n key ceremony, trustee side (PROTOCOL.md §5).
 *
 * Trustee i draws a polynomial Pᵢ of degree t−1, publishes the commitments A_{i,k} = a_{i,k}G
 * with Schnorr proofs and a share-encryption key Eᵢ = eᵢG, and sends Pᵢ(j) to every other
 * trustee j encrypted under E_j (ristretto255 ECDH, key H32("share-key", …), ChaCha20-Poly1305
 * with a 12-byte zero nonce — the key is used once). Trustee j checks each received share
 * against the sender's commitments and keeps sⱼ = Σᵢ Pᵢ(j). The joint key is K = Σᵢ A_{i,0};
 * its secret is never assembled anywhere.
 */

import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { FormatError, InvalidShare } from './errors.mjs';
import { bytesToHex, encodeParts, hexToBytes } from './encoding.mjs';
import { H32, bytesToIntLE } from './hashing.mjs';
import {
  ORDER, baseMul, mod, mul, pointFromHex, pointToHex, scalarBytes, scalarFromHex,
} from './group.mjs';
import { osRandomScalar } from './rng.mjs';
import { expectedSharePoint, loadManifest } from './election.mjs';
import {
  makeSchnorrProof, proofFromJson, proofToJson, verifySchnorrProof,
} from './proofs.mjs';
import { checkHeader } from './objects.mjs';
import { signingKeyFromHex, signingPublicKey } from './signatures.mjs';

export const ANNOUNCEMENT_KIND = 'phieukin/trustee-announcement';
export const SHARE_KIND = 'phieukin/trustee-share';
const ZERO_NONCE = new Uint8Array(12);

function manifestOf(manifest) {
  return manifest.hash instanceof Uint8Array ? manifest : loadManifest(manifest);
}

/**
 * @typedef {object} TrusteeSecrets
 * @property {number} index - i
 * @property {bigint[]} coefficients - a_{i,0}, …, a_{i,t−1}
 * @property {bigint} encryptionSecret - eᵢ
 */

/**
 * @typedef {object} LoadedAnnouncement
 * @property {number} index
 * @property {Array<*>} commitments - A_{i,k}
 * @property {Array<{challenge: bigint, response: bigint}>} coefficientProofs
 * @property {*} encryptionKey - Eᵢ
 * @property {{challenge: bigint, response: bigint}} encryptionKeyProof
 * @property {object} data - the JSON
 */

/**
 * P(x) = Σₖ aₖ xᵏ mod ℓ (Horner).
 * @param {bigint[]} coefficients
 * @param {number|bigint} x
 * @returns {bigint}
 */
export function evaluatePolynomial(coefficients, x) {
  let value = 0n;
  for (let k = coefficients.length - 1; k >= 0; k--) value = mod(value * BigInt(x) + coefficients[k]);
  return value;
}

function commit(loaded, index, coefficients, rng) {
  const commitments = coefficients.map((a) => baseMul(a).toBytes());
  const proofs = coefficients.map((a, k) => makeSchnorrProof(
    'coefficient-proof', [loaded.hash, index, k, commitments[k]], a, rng,
  ));
  return { commitments, proofs };
}

function commitKey(loaded, index, secret, rng) {
  const key = baseMul(secret).toBytes();
  return { key, proof: makeSchnorrProof('encryption-key-proof', [loaded.hash, index, key], secret, rng) };
}

function announcementJson(index, { commitments, proofs }, { key, proof }, signingSeed) {
  return {
    version: 1,
    kind: ANNOUNCEMENT_KIND,
    index,
    commitments: commitments.map(bytesToHex),
    coefficient_proofs: proofs.map(proofToJson),
    encryption_key: bytesToHex(key),
    encryption_key_proof: proofToJson(proof),
    signing_key: bytesToHex(signingPublicKey(signingSeed)),
  };
}

/**
 * Draw trustee `index`'s polynomial and encryption key and build its announcement.
 * Draw order (§12): a_{i,0} … a_{i,t−1}; each coefficient proof's u; eᵢ; the key proof's u;
 * the signing seed (the 32-byte encoding of the next scalar) unless `signingSeed` is given (the
 * device key drawn when the link was claimed, §14.1).
 * @param {object} args
 * @param {object} args.manifest - the manifest JSON (or a loaded manifest)
 * @param {number} args.index - i, in 1..n
 * @param {() => bigint} [args.rng]
 * @param {Uint8Array} [args.signingSeed]
 * @returns {{secrets: TrusteeSecrets, announcement: object}}
 */
export function makeTrustee({ manifest, index, rng = osRandomScalar, signingSeed }) {
  const loaded = manifestOf(manifest);
  if (!Number.isInteger(index) || index < 1 || index > loaded.committeeSize) {
    throw new RangeError(`trustee index must be in 1..${loaded.committeeSize}`);
  }
  const coefficients = Array.from({ length: loaded.threshold }, () => rng());
  const committed = commit(loaded, index, coefficients, rng);
  const encryptionSecret = rng();
  const key = commitKey(loaded, index, encryptionSecret, rng);
  const seed = signingSeed ?? scalarBytes(rng());
  return {
    secrets: { index, coefficients, encryptionSecret, signingSeed: seed },
    announcement: announcementJson(index, committed, key, seed),
  };
}

/**
 * The announcement of secrets made earlier (a device restored from its backup before it
 * announced): the same commitments and keys, with fresh proofs.
 * @param {{manifest: object, secrets: TrusteeSecrets, rng?: () => bigint}} args
 * @returns {object}
 */
export function announceSecrets({ manifest, secrets, rng = osRandomScalar }) {
  const loaded = manifestOf(manifest);
  const committed = commit(loaded, secrets.index, secrets.coefficients, rng);
  const key = commitKey(loaded, secrets.index, secrets.encryptionSecret, rng);
  return announcementJson(secrets.index, committed, key, secrets.signingSeed);
}

/**
 * Whether an announcement (JSON) is the one these secrets make: index, commitments, keys.
 * @param {object} announcement
 * @param {TrusteeSecrets} secrets
 * @returns {boolean}
 */
export function sameKeys(announcement, secrets) {
  return isObjectLike(announcement) && announcement.index === secrets.index
    && Array.isArray(announcement.commitments)
    && announcement.commitments.length === secrets.coefficients.length
    && announcement.commitments.every((c, k) => c === pointToHex(baseMul(secrets.coefficients[k])))
    && announcement.encryption_key === pointToHex(baseMul(secrets.encryptionSecret))
    && announcement.signing_key === bytesToHex(signingPublicKey(secrets.signingSeed));
}

function isObjectLike(value) {
  return value !== null && typeof value === 'object';
}

/**
 * A share published in the open to settle a complaint (§14.3): Pᵢ(j)·G = Σₖ jᵏ·A_{i,k}.
 * Throws `InvalidShare` (check "scalar" or "commitments") naming the sender.
 * @param {LoadedAnnouncement} sender
 * @param {number} recipient - j
 * @param {string} valueHex
 * @returns {bigint}
 */
export function checkRevealedShare(sender, recipient, valueHex) {
  const subject = `share from trustee ${sender.index} to trustee ${recipient}, revealed`;
  let value;
  try {
    value = scalarFromHex(valueHex, subject);
  } catch {
    throw new InvalidShare('scalar', subject);
  }
  if (!baseMul(value).equals(expectedSharePoint(sender.commitments, recipient))) {
    throw new InvalidShare('commitments', subject);
  }
  return value;
}

/**
 * Load an announcement: header, shape, and every point and scalar (not the proofs).
 * @param {unknown} data
 * @param {number} threshold - t
 * @returns {LoadedAnnouncement}
 */
export function loadAnnouncement(data, threshold) {
  checkHeader(data, ANNOUNCEMENT_KIND, 'announcement');
  const { index } = data;
  if (!Number.isSafeInteger(index) || index < 1) {
    throw new FormatError('index must be a positive integer', 'announcement.index');
  }
  const subject = `announcement ${index}`;
  const { commitments, coefficient_proofs: proofs } = data;
  if (!Array.isArray(commitments) || commitments.length !== threshold) {
    throw new FormatError(`expected ${threshold} commitments`, subject);
  }
  if (!Array.isArray(proofs) || proofs.length !== threshold) {
    throw new FormatError(`expected ${threshold} coefficient proofs`, subject);
  }
  return {
    index,
    commitments: commitments.map((c) => pointFromHex(c, `${subject}.commitments`)),
    coefficientProofs: proofs.map((p) => proofFromJson(p, subject)),
    encryptionKey: pointFromHex(data.encryption_key, `${subject}.encryption_key`),
    encryptionKeyProof: proofFromJson(data.encryption_key_proof, subject),
    signingKey: signingKeyFromHex(data.signing_key, `${subject}.signing_key`),
    data,
  };
}

/**
 * Load an announcement and check every coefficient proof and the encryption-key proof:
 * h = vG − cA_{i,k}, c = Hs("coefficient-proof", manifest_hash, i, k, A_{i,k}, h), and likewise
 * for Eᵢ. Throws `InvalidProof` (subject "trustee i, coefficient k" / "trustee i, encryption
 * key") or a format error.
 * @param {object} args
 * @param {object} args.manifest
 * @param {object} args.announcement - the JSON
 * @returns {LoadedAnnouncement}
 */
export function verifyAnnouncement({ manifest, announcement }) {
  const loaded = manifestOf(manifest);
  const parsed = loadAnnouncement(announcement, loaded.threshold);
  const i = parsed.index;
  if (i > loaded.committeeSize) {
    throw new FormatError(`index must be in 1..${loaded.committeeSize}`, 'announcement.index');
  }
  parsed.commitments.forEach((commitment, k) => {
    verifySchnorrProof(
      'coefficient-proof', [loaded.hash, i, k, hexToBytes(announcement.commitments[k])],
      commitment, parsed.coefficientProofs[k], `trustee ${i}, coefficient ${k}`,
    );
  });
  verifySchnorrProof(
    'encryption-key-proof', [loaded.hash, i, hexToBytes(announcement.encryption_key)],
    parsed.encryptionKey, parsed.encryptionKeyProof, `trustee ${i}, encryption key`,
  );
  return parsed;
}

function shareCipher(manifestHash, sender, recipient, ephemeralBytes, sharedBytes) {
  const key = H32('share-key', manifestHash, sender, recipient, ephemeralBytes, sharedBytes);
  return chacha20poly1305(key, ZERO_NONCE, encodeParts(manifestHash, sender, recipient));
}

/**
 * Encrypt Pᵢ(j) to recipient j: random y, Y = yG, S = yE_j,
 * key = H32("share-key", manifest_hash, i, j, Y, S), ChaCha20-Poly1305 with a zero nonce and
 * aad = enc(manifest_hash) ‖ enc(i) ‖ enc(j).
 * @param {object} args
 * @param {object} args.manifest
 * @param {TrusteeSecrets} args.secrets - the sender's
 * @param {LoadedAnnouncement} args.recipient - the recipient's verified announcement
 * @param {() => bigint} [args.rng]
 * @returns {object} the `phieukin/trustee-share` JSON
 */
export function makeEncryptedShare({ manifest, secrets, recipient, rng = osRandomScalar }) {
  const loaded = manifestOf(manifest);
  const value = evaluatePolynomial(secrets.coefficients, recipient.index);
  const y = rng();
  const ephemeral = baseMul(y).toBytes();
  const shared = mul(y, recipient.encryptionKey).toBytes();
  const cipher = shareCipher(loaded.hash, secrets.index, recipient.index, ephemeral, shared);
  return {
    version: 1,
    kind: SHARE_KIND,
    sender: secrets.index,
    recipient: recipient.index,
    ephemeral: bytesToHex(ephemeral),
    ciphertext: bytesToHex(cipher.encrypt(scalarBytes(value))),
  };
}

/**
 * Every share trustee i sends: one per other trustee j, in ascending j (the draw order of §12).
 * @param {object} args
 * @param {object} args.manifest
 * @param {TrusteeSecrets} args.secrets
 * @param {LoadedAnnouncement[]} args.announcements - verified, one per member
 * @param {() => bigint} [args.rng]
 * @returns {object[]}
 */
export function makeEncryptedShares({ manifest, secrets, announcements, rng = osRandomScalar }) {
  return [...announcements]
    .filter((a) => a.index !== secrets.index)
    .sort((a, b) => a.index - b.index)
    .map((recipient) => makeEncryptedShare({ manifest, secrets, recipient, rng }));
}

/**
 * Load an encrypted share: header, sender and recipient, the ephemeral point, 48 bytes of
 * ciphertext.
 * @param {unknown} data
 * @returns {{sender: number, recipient: number, ephemeral: *, ephemeralBytes: Uint8Array, ciphertext: Uint8Array}}
 */
export function loadShare(data) {
  checkHeader(data, SHARE_KIND, 'share');
  for (const name of ['sender', 'recipient']) {
    if (!Number.isSafeInteger(data[name]) || data[name] < 1) {
      throw new FormatError('must be a positive integer', `share.${name}`);
    }
  }
  if (typeof data.ciphertext !== 'string' || data.ciphertext.length !== 96) {
    throw new FormatError('expected 48 bytes of hex', 'share.ciphertext');
  }
  let ciphertext;
  try {
    ciphertext = hexToBytes(data.ciphertext);
  } catch {
    throw new FormatError('not hex', 'share.ciphertext');
  }
  const ephemeral = pointFromHex(data.ephemeral, 'share.ephemeral');
  return {
    sender: data.sender,
    recipient: data.recipient,
    ephemeral,
    ephemeralBytes: hexToBytes(data.ephemeral),
    ciphertext,
  };
}

/**
 * Decrypt a received share and check it against the sender's commitments:
 * Pᵢ(j)·G = Σₖ jᵏ·A_{i,k}. Throws `InvalidShare` naming the sender (checks "addressing",
 * "decryption", "scalar", "commitments").
 * @param {object} args
 * @param {object} args.manifest
 * @param {TrusteeSecrets} args.secrets - the recipient's
 * @param {object} args.share - the JSON
 * @param {LoadedAnnouncement} args.sender - the sender's verified announcement
 * @returns {bigint} Pᵢ(j)
 */
export function openShare({ manifest, secrets, share, sender }) {
  const loaded = manifestOf(manifest);
  const parsed = loadShare(share);
  const subject = `share from trustee ${parsed.sender} to trustee ${parsed.recipient}`;
  if (parsed.recipient !== secrets.index || parsed.sender !== sender.index) {
    throw new InvalidShare('addressing', subject);
  }
  const shared = mul(secrets.encryptionSecret, parsed.ephemeral).toBytes();
  const cipher = shareCipher(loaded.hash, parsed.sender, parsed.recipient, parsed.ephemeralBytes, shared);
  let plaintext;
  try {
    plaintext = cipher.decrypt(parsed.ciphertext);
  } catch {
    throw new InvalidShare('decryption', subject);
  }
  const value = bytesToIntLE(plaintext);
  if (value >= ORDER) throw new InvalidShare('scalar', subject);
  if (!baseMul(value).equals(expectedSharePoint(sender.commitments, secrets.index))) {
    throw new InvalidShare('commitments', subject);
  }
  return value;
}

/**
 * sⱼ = Σᵢ Pᵢ(j): trustee j's share of the election secret, from every opened share and its own
 * Pⱼ(j).
 * @param {TrusteeSecrets} secrets - trustee j's
 * @param {bigint[]} received - the opened Pᵢ(j) of every other trustee
 * @returns {bigint}
 */
export function combineSecretShare(secrets, received) {
  return received.reduce((total, value) => mod(total + value), evaluatePolynomial(secrets.coefficients, secrets.index));
}

/**
 * Kⱼ = Σᵢ Σₖ jᵏ A_{i,k}: trustee j's public share, from the announcements alone.
 * @param {LoadedAnnouncement[]} announcements
 * @param {number} index - j
 * @returns {string} 64 hex characters
 */
export function publicShareFromAnnouncements(announcements, index) {
  return pointToHex(announcements
    .map((a) => expectedSharePoint(a.commitments, index))
    .reduce((total, point) => total.add(point)));
}
