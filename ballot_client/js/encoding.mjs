/**
 * Byte and text encodings of the protocol (PROTOCOL.md §2, §3).
 *
 * Strict lowercase hex, the length-prefixed `enc` encoding that every hash input goes through,
 * and canonical JSON. These are the exact byte strings both implementations hash, so everything
 * here refuses input that another implementation might read differently (lone surrogates,
 * floats, unsafe integers, non-ASCII keys).
 */

import { EncodingError } from './errors.mjs';

const HEX_RE = /^(?:[0-9a-f]{2})*$/;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const TWO_64 = 1n << 64n;
const utf8Encoder = new TextEncoder();

/**
 * Lowercase hex of a byte string.
 * @param {Uint8Array} bytes
 * @returns {string}
 */
export function bytesToHex(bytes) {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += (bytes[i] < 16 ? '0' : '') + bytes[i].toString(16);
  return out;
}

/**
 * Decode strict lowercase hex (even length, no prefix, no upper case).
 * @param {string} text
 * @param {string} [field] - named in the error
 * @returns {Uint8Array}
 */
export function hexToBytes(text, field = 'hex') {
  if (typeof text !== 'string' || !HEX_RE.test(text)) {
    throw new EncodingError('expected lowercase hex', field);
  }
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/**
 * True when `text` has no lone UTF-16 surrogate (so it has a UTF-8 encoding).
 * @param {string} text
 * @returns {boolean}
 */
export function isWellFormed(text) {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
      i++;
    } else if (unit >= 0xdc00 && unit <= 0xdfff) {
      return false;
    }
  }
  return true;
}

/**
 * UTF-8 bytes of a string; lone surrogates are rejected (never replaced by U+FFFD).
 * @param {string} text
 * @returns {Uint8Array}
 */
export function utf8(text) {
  if (!isWellFormed(text)) throw new EncodingError('string has a lone surrogate');
  return utf8Encoder.encode(text);
}

/**
 * `bytes(x)` of §2: a byte string as is, a text string as UTF-8, an integer 0 ≤ x < 2^64 as
 * 8 bytes big-endian (a JS number must be a safe integer; a bigint may use the full range).
 * @param {Uint8Array|string|number|bigint} part
 * @returns {Uint8Array}
 */
export function partBytes(part) {
  if (part instanceof Uint8Array) return part;
  if (typeof part === 'string') return utf8(part);
  if (typeof part === 'number') {
    if (!Number.isSafeInteger(part) || part < 0) {
      throw new EncodingError('integer hash parts must be in 0 .. 2^64 − 1');
    }
    part = BigInt(part);
  }
  if (typeof part === 'bigint') {
    if (part < 0n || part >= TWO_64) {
      throw new EncodingError('integer hash parts must be in 0 .. 2^64 − 1');
    }
    const out = new Uint8Array(8);
    new DataView(out.buffer).setBigUint64(0, part, false);
    return out;
  }
  throw new EncodingError(`cannot hash a ${typeof part}`);
}

/**
 * The 4-byte big-endian length prefix of a byte string of length `length`.
 * @param {number} length
 * @returns {Uint8Array}
 */
export function lengthPrefix(length) {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, length, false);
  return out;
}

/**
 * `enc(p₁) ‖ … ‖ enc(pₖ)` where `enc(x) = u32be(len(bytes(x))) ‖ bytes(x)`.
 * @param {...(Uint8Array|string|number|bigint)} parts
 * @returns {Uint8Array}
 */
export function encodeParts(...parts) {
  const pieces = parts.map(partBytes);
  const total = pieces.reduce((sum, piece) => sum + 4 + piece.length, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const piece of pieces) {
    out.set(lengthPrefix(piece.length), offset);
    out.set(piece, offset + 4);
    offset += 4 + piece.length;
  }
  return out;
}

function serialize(value, path) {
  if (value === null) return 'null';
  if (value === true) return 'true';
  if (value === false) return 'false';
  switch (typeof value) {
    case 'string':
      if (!isWellFormed(value)) throw new EncodingError('string has a lone surrogate', path);
      // JSON.stringify escapes exactly \" \\ \b \f \n \r \t and other C0 controls as \u00xx
      // (lowercase), writing everything else as itself: the minimal escapes of §3.
      return JSON.stringify(value);
    case 'number':
      if (!Number.isInteger(value)) throw new EncodingError('floats are not allowed', path);
      if (!Number.isSafeInteger(value)) throw new EncodingError('integer out of the safe range', path);
      return String(value); // String(-0) is "0"
    case 'bigint':
      if (value > MAX_SAFE || value < -MAX_SAFE) {
        throw new EncodingError('integer out of the safe range', path);
      }
      return value.toString();
    case 'object': {
      if (Array.isArray(value)) {
        return `[${value.map((item, index) => serialize(item, `${path}[${index}]`)).join(',')}]`;
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) {
        throw new EncodingError(`${proto?.constructor?.name ?? 'object'} has no canonical form`, path);
      }
      const keys = Object.keys(value);
      for (const key of keys) {
        // eslint-disable-next-line no-control-regex
        if (!/^[\x00-\x7f]*$/.test(key)) throw new EncodingError('object keys must be ASCII', path);
        if (value[key] === undefined) throw new EncodingError('undefined has no canonical form', `${path}.${key}`);
      }
      keys.sort(); // ASCII keys: UTF-16 order is code-point order
      const members = keys.map(
        (key) => `${JSON.stringify(key)}:${serialize(value[key], path ? `${path}.${key}` : key)}`,
      );
      return `{${members.join(',')}}`;
    }
    default:
      throw new EncodingError(`type ${typeof value} has no canonical form`, path);
  }
}

/**
 * Canonical JSON text of §3: sorted ASCII keys, no white space, minimal string escapes, only
 * safe integers (no floats), no lone surrogates. Identical to Python's
 * `json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=False)` on such values.
 * @param {*} value
 * @returns {string}
 */
export function canonicalJson(value) {
  return serialize(value, '');
}

/**
 * Canonical JSON as UTF-8 bytes (what is hashed and signed).
 * @param {*} value
 * @returns {Uint8Array}
 */
export function canonicalBytes(value) {
  return utf8Encoder.encode(canonicalJson(value));
}

/**
 * Parse JSON strictly (mirror of Python's `parse_json`): no floats or exponents, no duplicate
 * keys, safe integers only, no lone surrogates.
 * @param {string} text
 * @returns {*}
 */
export function parseJson(text) {
  let position = 0;
  const fail = (detail) => {
    throw new EncodingError(`${detail} at offset ${position}`, 'json');
  };
  const skip = () => {
    while (position < text.length && ' \t\n\r'.includes(text[position])) position++;
  };
  const parseString = () => {
    const match = /^"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/.exec(text.slice(position));
    if (!match) fail('bad string');
    position += match[0].length;
    const value = JSON.parse(match[0]);
    if (!isWellFormed(value)) fail('string has a lone surrogate');
    return value;
  };
  const parseValue = (depth) => {
    if (depth > 200) fail('nesting too deep');
    skip();
    const char = text[position];
    if (char === '{') {
      position++;
      const result = {};
      skip();
      if (text[position] === '}') {
        position++;
        return result;
      }
      for (;;) {
        skip();
        if (text[position] !== '"') fail('expected a key');
        const key = parseString();
        if (Object.prototype.hasOwnProperty.call(result, key)) fail(`duplicate key ${JSON.stringify(key)}`);
        skip();
        if (text[position] !== ':') fail("expected ':'");
        position++;
        Object.defineProperty(result, key, {
          value: parseValue(depth + 1), enumerable: true, writable: true, configurable: true,
        });
        skip();
        if (text[position] === ',') {
          position++;
          continue;
        }
        if (text[position] === '}') {
          position++;
          return result;
        }
        fail("expected ',' or '}'");
      }
    }
    if (char === '[') {
      position++;
      const result = [];
      skip();
      if (text[position] === ']') {
        position++;
        return result;
      }
      for (;;) {
        result.push(parseValue(depth + 1));
        skip();
        if (text[position] === ',') {
          position++;
          continue;
        }
        if (text[position] === ']') {
          position++;
          return result;
        }
        fail("expected ',' or ']'");
      }
    }
    if (char === '"') return parseString();
    for (const [word, value] of [['true', true], ['false', false], ['null', null]]) {
      if (text.startsWith(word, position)) {
        position += word.length;
        return value;
      }
    }
    const number = /^-?(?:0|[1-9][0-9]*)([.eE])?/.exec(text.slice(position));
    if (!number) fail('unexpected character');
    if (number[1]) fail('floats are not allowed');
    position += number[0].length;
    const value = Number(number[0]);
    if (!Number.isSafeInteger(value)) fail('integer out of the safe range');
    return value;
  };
  if (typeof text !== 'string') throw new EncodingError('expected JSON text', 'json');
  const value = parseValue(0);
  skip();
  if (position !== text.length) fail('trailing data');
  return value;
}
