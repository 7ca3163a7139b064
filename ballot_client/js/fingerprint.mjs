/**
 * Fingerprints people compare by eye (PROTOCOL.md §16), mirror of `tally/fingerprint.py`.
 *
 * One format on every surface: the first 10 bytes of a 32-byte value as 16 Crockford base-32
 * characters in four groups of four (`7K2D-QW3X-9PZ1-ABCD`), the format of the receipt code.
 */

import { hexToBytes } from './encoding.mjs';
import { H32 } from './hashing.mjs';
import { receiptCode } from './token.mjs';

/**
 * `7K2D-QW3X-9PZ1-ABCD`: the first 10 bytes of a value.
 * @param {Uint8Array|string} value - bytes, or 64 hex characters
 * @returns {string}
 */
export function shortCode(value) {
  return receiptCode(typeof value === 'string' ? hexToBytes(value) : value);
}

/**
 * A committee member's key fingerprint: code(H32("member-key", K)) of the Ed25519 public key the
 * member's device claimed the link with.
 * @param {Uint8Array|string} signingKey - 32 bytes, or 64 hex characters
 * @returns {string}
 */
export function memberFingerprint(signingKey) {
  const key = typeof signingKey === 'string' ? hexToBytes(signingKey) : signingKey;
  return receiptCode(H32('member-key', key));
}

/**
 * The election fingerprint hₑ as people see it.
 * @param {Uint8Array|string} fingerprint
 * @returns {string}
 */
export function electionCode(fingerprint) {
  return shortCode(fingerprint);
}
