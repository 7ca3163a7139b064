/**
 * Voting tokens and receipt codes in Crockford base-32 (PROTOCOL.md §6, §8).
 *
 * A token is 16 random bytes shown as 26 characters; what people type is normalized (spaces and
 * `-` removed, upper case, `O`→`0`, `I`/`L`→`1`). The token never leaves the phone: it is the
 * seed of an Ed25519 key, `seed = H32("token-key", normalized token)`, whose public key is the
 * token's public identity, and `token_hash = H32("token", public key)` is what the server stores
 * and the record commits to.
 */

import { EncodingError } from './errors.mjs';
import { bytesToHex } from './encoding.mjs';
import { H32 } from './hashing.mjs';
import { randomBytes } from './rng.mjs';
import { signingPublicKey } from './signatures.mjs';

export const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const TOKEN_BYTES = 16;
const TOKEN_LENGTH = 26;

/**
 * Crockford base-32 of a byte string, most significant bit first; the last character carries
 * the final bits padded with zeros.
 * @param {Uint8Array} bytes
 * @returns {string}
 */
export function base32Encode(bytes) {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(buffer >> bits) & 31];
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

/**
 * Decode Crockford base-32 (already normalized) into `length` bytes; the padding bits of the
 * last character must be zero, so every byte string has exactly one spelling.
 * @param {string} text
 * @param {number} length
 * @returns {Uint8Array}
 */
export function base32Decode(text, length) {
  if (text.length !== Math.ceil((length * 8) / 5)) throw new EncodingError('wrong length', 'token');
  const out = new Uint8Array(length);
  let buffer = 0;
  let bits = 0;
  let index = 0;
  for (const char of text) {
    const value = ALPHABET.indexOf(char);
    if (value < 0) throw new EncodingError('not a Crockford base-32 character', 'token');
    buffer = ((buffer << 5) | value) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[index++] = (buffer >> bits) & 0xff;
    }
  }
  if ((buffer & ((1 << bits) - 1)) !== 0) throw new EncodingError('non-zero padding bits', 'token');
  return out;
}

/**
 * A fresh voting token: 16 random bytes as 26 Crockford base-32 characters.
 * @returns {string}
 */
export function generateToken() {
  return base32Encode(randomBytes(TOKEN_BYTES));
}

/**
 * Normalize a typed token: drop white space and `-`, upper-case, read `O` as `0` and `I`, `L` as
 * `1`; then require 26 alphabet characters that decode to 16 bytes with zero padding bits.
 * @param {string} text
 * @returns {string}
 */
export function normalizeToken(text) {
  if (typeof text !== 'string') throw new EncodingError('expected a string', 'token');
  // Whitespace is what Python's str.split() removes (tally/token.py), so both agree.
  const normalized = text
    .replace(/[\t\n\v\f\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000-]/g, '')
    .toUpperCase()
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  if (normalized.length !== TOKEN_LENGTH) throw new EncodingError('expected 26 characters', 'token');
  base32Decode(normalized, TOKEN_BYTES);
  return normalized;
}

/**
 * What a token stands for on the network: its Ed25519 signing seed (kept on the phone), its
 * public key (the token's public identity) and its token hash.
 * @param {string} token - as typed (normalized here)
 * @returns {{seed: Uint8Array, key: Uint8Array, keyHex: string, hash: Uint8Array, hashHex: string}}
 */
export function tokenIdentity(token) {
  const seed = H32('token-key', normalizeToken(token));
  const key = signingPublicKey(seed);
  const hash = H32('token', key);
  return { seed, key, keyHex: bytesToHex(key), hash, hashHex: bytesToHex(hash) };
}

/**
 * `token_hash = H32("token", token key)`, as 32 bytes.
 * @param {string} token - as typed (normalized here)
 * @returns {Uint8Array}
 */
export function tokenHashBytes(token) {
  return tokenIdentity(token).hash;
}

/**
 * The token hash as 64 lowercase hex characters (the form carried by a ballot).
 * @param {string} token
 * @returns {string}
 */
export function tokenHash(token) {
  return bytesToHex(tokenHashBytes(token));
}

/**
 * A receipt code: the first 10 bytes of a 32-byte value as 16 base-32 characters in groups of
 * four (`7K2D-…`).
 * @param {Uint8Array} digest
 * @returns {string}
 */
export function receiptCode(digest) {
  return base32Encode(digest.slice(0, 10)).match(/.{4}/g).join('-');
}
