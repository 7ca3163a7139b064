/**
 * Domain-separated hashing (PROTOCOL.md §2): `H`, `H32` and `Hs` over SHA-512.
 *
 * `H(tag, p₁, …, pₖ) = SHA-512(enc("phieukin.v1." ‖ tag) ‖ enc(p₁) ‖ … ‖ enc(pₖ))`. Every part is
 * length-prefixed, so no two different lists of parts hash alike, and every use has its own tag,
 * so a hash made for one purpose is never accepted for another.
 */

import { sha512 } from '@noble/hashes/sha2.js';
import { lengthPrefix, partBytes } from './encoding.mjs';
import { ORDER } from './constants.mjs';

export const PREFIX = 'phieukin.v1.';

/**
 * `H(tag, parts…)`: the 64 bytes of SHA-512 over the tagged, length-prefixed parts.
 * @param {string} tag - one of the tags of §2 (without the "phieukin.v1." prefix)
 * @param {...(Uint8Array|string|number|bigint)} parts - bytes, text, or integers 0 ≤ x < 2^64
 * @returns {Uint8Array}
 */
export function H(tag, ...parts) {
  const hash = sha512.create();
  const head = partBytes(PREFIX + tag);
  hash.update(lengthPrefix(head.length));
  hash.update(head);
  for (const part of parts) {
    const data = partBytes(part);
    hash.update(lengthPrefix(data.length));
    hash.update(data);
  }
  return hash.digest();
}

/**
 * `H32`: the first 32 bytes of `H` (fingerprints, token hashes, trackers, event hashes).
 * @param {string} tag
 * @param {...(Uint8Array|string|number|bigint)} parts
 * @returns {Uint8Array}
 */
export function H32(tag, ...parts) {
  return H(tag, ...parts).slice(0, 32);
}

/**
 * Little-endian integer value of a byte string.
 * @param {Uint8Array} bytes
 * @returns {bigint}
 */
export function bytesToIntLE(bytes) {
  let hex = '';
  for (let i = bytes.length - 1; i >= 0; i--) hex += (bytes[i] < 16 ? '0' : '') + bytes[i].toString(16);
  return hex ? BigInt(`0x${hex}`) : 0n;
}

/**
 * `Hs`: `H` read as a little-endian integer, reduced mod ℓ (Fiat–Shamir challenges).
 * @param {string} tag
 * @param {...(Uint8Array|string|number|bigint)} parts
 * @returns {bigint}
 */
export function Hs(tag, ...parts) {
  return bytesToIntLE(H(tag, ...parts)) % ORDER;
}
