/**
 * The prime-order group ristretto255 (PROTOCOL.md §1), through `@noble/curves`.
 *
 * Points are noble `RistrettoPoint` objects, scalars are bigints modulo ℓ. Every point received
 * from outside goes through `pointFromHex` exactly once (64 lowercase hex, canonical decoding,
 * not the identity); after that no further check is needed because every valid ristretto255
 * encoding is an element of the prime-order group.
 *
 * noble refuses `multiply(0n)`; like the Python core we define `0·P = P·0 = identity`
 * explicitly. The fixed bases G and K are fresh copies with 8-bit window tables
 * (`precompute(8, false)`), which makes a fixed-base multiplication about five times faster.
 * Encoding a point costs about half a multiplication, so callers encode each point once.
 */

import { ristretto255 } from '@noble/curves/ed25519.js';
import { InvalidPoint, InvalidScalar } from './errors.mjs';
import { bytesToHex, hexToBytes } from './encoding.mjs';
import { bytesToIntLE } from './hashing.mjs';
import { GENERATOR_HEX, ORDER } from './constants.mjs';

export { ORDER, GENERATOR_HEX };

/** The noble ristretto255 point class. */
export const Point = ristretto255.Point;

/** The identity element (encoded as 32 zero bytes). */
export const IDENTITY = Point.ZERO;

const HEX64 = /^[0-9a-f]{64}$/;
const WINDOW = 8;

/**
 * A fresh copy of `point` with precomputed window tables, for repeated multiplication by
 * secret or public scalars (G, the joint key K).
 * @param {InstanceType<typeof Point>} point
 * @returns {InstanceType<typeof Point>}
 */
export function fixedBase(point) {
  if (point.is0()) return IDENTITY;
  return Point.fromBytes(point.toBytes()).precompute(WINDOW, false);
}

/** The generator G, with window tables. */
export const G = fixedBase(Point.fromBytes(hexToBytes(GENERATOR_HEX)));

const fixedBaseCache = new Map();

/**
 * A precomputed copy of the point with encoding `hex` (validated), cached: building the tables
 * costs about as much as a hundred multiplications, so each election key is prepared once.
 * @param {string} hex
 * @param {string} [subject]
 * @returns {InstanceType<typeof Point>}
 */
export function fixedBaseFromHex(hex, subject = 'point') {
  let point = fixedBaseCache.get(hex);
  if (!point) {
    point = fixedBase(pointFromHex(hex, subject));
    if (fixedBaseCache.size >= 8) fixedBaseCache.delete(fixedBaseCache.keys().next().value);
    fixedBaseCache.set(hex, point);
  }
  return point;
}

/**
 * Decode and validate a received point: 64 lowercase hex, canonical, not the identity.
 * @param {unknown} text
 * @param {string} [subject] - named in the error
 * @returns {InstanceType<typeof Point>}
 */
export function pointFromHex(text, subject = 'point') {
  if (typeof text !== 'string' || !HEX64.test(text)) {
    throw new InvalidPoint('expected 64 lowercase hex characters', subject);
  }
  if (/^0{64}$/.test(text)) throw new InvalidPoint('the identity element is not accepted', subject);
  let point;
  try {
    point = Point.fromBytes(hexToBytes(text));
  } catch {
    throw new InvalidPoint('not a canonical ristretto255 encoding', subject);
  }
  if (point.is0()) throw new InvalidPoint('the identity element is not accepted', subject);
  return point;
}

/**
 * The 32-byte canonical encoding of a point.
 * @param {InstanceType<typeof Point>} point
 * @returns {Uint8Array}
 */
export function pointBytes(point) {
  return point.toBytes();
}

/**
 * The JSON encoding of a point: 64 lowercase hex characters.
 * @param {InstanceType<typeof Point>} point
 * @returns {string}
 */
export function pointToHex(point) {
  return bytesToHex(point.toBytes());
}

/**
 * Decode and validate a received scalar: 64 lowercase hex, little-endian, < ℓ (never reduced).
 * @param {unknown} text
 * @param {string} [subject]
 * @returns {bigint}
 */
export function scalarFromHex(text, subject = 'scalar') {
  if (typeof text !== 'string' || !HEX64.test(text)) {
    throw new InvalidScalar('expected 64 lowercase hex characters', subject);
  }
  const value = bytesToIntLE(hexToBytes(text));
  if (value >= ORDER) throw new InvalidScalar('not reduced below the group order', subject);
  return value;
}

/**
 * The 32-byte little-endian encoding of a scalar (reduced mod ℓ first).
 * @param {bigint} scalar
 * @returns {Uint8Array}
 */
export function scalarBytes(scalar) {
  let value = mod(scalar);
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) {
    out[i] = Number(value & 0xffn);
    value >>= 8n;
  }
  return out;
}

/**
 * The JSON encoding of a scalar: 64 lowercase hex characters, little-endian.
 * @param {bigint} scalar
 * @returns {string}
 */
export function scalarToHex(scalar) {
  return bytesToHex(scalarBytes(scalar));
}

/**
 * `x mod ℓ` in 0 .. ℓ−1 (also for negative x).
 * @param {bigint} x
 * @returns {bigint}
 */
export function mod(x) {
  const r = x % ORDER;
  return r < 0n ? r + ORDER : r;
}

/**
 * The inverse of a non-zero scalar mod ℓ.
 * @param {bigint} x
 * @returns {bigint}
 */
export function invert(x) {
  return Point.Fn.inv(mod(x));
}

/**
 * `scalar · point` in constant time (for secret scalars); the identity when either is zero.
 * @param {bigint} scalar
 * @param {InstanceType<typeof Point>} point
 * @returns {InstanceType<typeof Point>}
 */
export function mul(scalar, point) {
  const s = mod(scalar);
  if (s === 0n || point.is0()) return IDENTITY;
  return point.multiply(s);
}

/**
 * `scalar · G` in constant time, with G's window tables; the identity for zero.
 * @param {bigint} scalar
 * @returns {InstanceType<typeof Point>}
 */
export function baseMul(scalar) {
  return mul(scalar, G);
}

/**
 * `scalar · point` in variable time, only for public scalars (verification).
 * @param {bigint} scalar
 * @param {InstanceType<typeof Point>} point
 * @returns {InstanceType<typeof Point>}
 */
export function mulPublic(scalar, point) {
  const s = mod(scalar);
  if (s === 0n || point.is0()) return IDENTITY;
  return point.multiplyUnsafe(s);
}

/**
 * `scalar · G` in variable time, only for public scalars (verification).
 * @param {bigint} scalar
 * @returns {InstanceType<typeof Point>}
 */
export function baseMulPublic(scalar) {
  return mulPublic(scalar, G);
}

/**
 * The sum of a list of points (the identity for none).
 * @param {Iterable<InstanceType<typeof Point>>} points
 * @returns {InstanceType<typeof Point>}
 */
export function sum(points) {
  let total = IDENTITY;
  for (const point of points) total = total.add(point);
  return total;
}
