/**
 * Ed25519 signatures with a stated purpose (PROTOCOL.md §10), over `@noble/curves` ed25519.
 *
 * What is signed is enc("phieukin.v1.sign." + purpose) ‖ enc(digest), never a bare digest, so a
 * signature made for one purpose cannot be taken for another. A committee member's signing key
 * comes from a 32-byte seed drawn in the key ceremony; the public key is in the announcement.
 */

import { ed25519 } from '@noble/curves/ed25519.js';
import { InvalidPoint, InvalidSignature } from './errors.mjs';
import { bytesToHex, encodeParts, hexToBytes } from './encoding.mjs';

const PREFIX = 'phieukin.v1.sign.';
const HEX64 = /^[0-9a-f]{64}$/;
const HEX128 = /^[0-9a-f]{128}$/;

/** The bytes a signature covers. */
export function signingMessage(purpose, digest) {
  return encodeParts(PREFIX + purpose, digest);
}

/** The Ed25519 public key (32 bytes) of a 32-byte seed. */
export function signingPublicKey(seed) {
  return ed25519.getPublicKey(seed);
}

/**
 * Validate a received Ed25519 public key: 64 lowercase hex, canonical, torsion-free, not of
 * small order (the same rule as libsodium's crypto_core_ed25519_is_valid_point).
 * @returns {Uint8Array}
 */
export function signingKeyFromHex(text, subject) {
  if (typeof text !== 'string' || !HEX64.test(text)) {
    throw new InvalidPoint('expected 64 lowercase hex characters', subject);
  }
  let point;
  try {
    point = ed25519.Point.fromHex(text);
  } catch {
    throw new InvalidPoint('not a valid Ed25519 public key', subject);
  }
  if (point.isSmallOrder() || !point.isTorsionFree() || bytesToHex(point.toBytes()) !== text) {
    throw new InvalidPoint('not a valid Ed25519 public key', subject);
  }
  return hexToBytes(text);
}

/** Sign `digest` for `purpose` with a seed; returns 128 hex characters. */
export function sign(seed, purpose, digest) {
  return bytesToHex(ed25519.sign(signingMessage(purpose, digest), seed));
}

/** Verify a hex signature; throws InvalidSignature (check "signature"). */
export function verifySignature(publicKey, purpose, digest, signature, subject) {
  let ok = false;
  if (typeof signature === 'string' && HEX128.test(signature)) {
    try {
      ok = ed25519.verify(hexToBytes(signature), signingMessage(purpose, digest), publicKey);
    } catch {
      ok = false;
    }
  }
  if (!ok) throw new InvalidSignature('signature', subject);
}
