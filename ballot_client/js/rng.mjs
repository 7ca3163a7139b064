/**
 * Sources of secret scalars (nonces): the platform's CSPRNG, or a reproducible test stream.
 *
 * A nonce source is a function returning a fresh scalar on each call. Production code uses
 * `osRandomScalar` (64 bytes of `crypto.getRandomValues`, reduced mod ℓ — WebCrypto `subtle` is
 * not available on a plain-HTTP LAN page, `getRandomValues` is). Test vectors use `testRng`, the
 * stream `Hs("test-rng", seed, i)` of PROTOCOL.md §12, so that both implementations consuming
 * nonces in the same order produce byte-identical objects.
 */

import { Hs, bytesToIntLE } from './hashing.mjs';
import { ORDER } from './constants.mjs';

/**
 * `length` random bytes from `crypto.getRandomValues`.
 * @param {number} length
 * @returns {Uint8Array}
 */
export function randomBytes(length) {
  const cryptoObject = globalThis.crypto;
  if (!cryptoObject || typeof cryptoObject.getRandomValues !== 'function') {
    throw new Error('crypto.getRandomValues is not available');
  }
  const out = new Uint8Array(length);
  cryptoObject.getRandomValues(out);
  return out;
}

/**
 * A uniformly random scalar: 64 random bytes read little-endian and reduced mod ℓ.
 * @returns {bigint}
 */
export function osRandomScalar() {
  return bytesToIntLE(randomBytes(64)) % ORDER;
}

/**
 * The deterministic stream `Hs("test-rng", seed, i)`, i = 0, 1, … — for test vectors only.
 * @param {string} seed
 * @returns {(() => bigint) & {count: number}} a nonce source; `count` is the number drawn so far
 */
export function testRng(seed) {
  const source = () => Hs('test-rng', seed, source.count++);
  source.count = 0;
  return source;
}
