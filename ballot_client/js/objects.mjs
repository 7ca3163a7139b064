/**
 * Shape checks shared by every loader: the version/kind header and exact key sets
 * (mirror of `check_header` and `require_keys` in `tally/canonical.py`).
 */

import { FormatError } from './errors.mjs';
import { VERSION } from './constants.mjs';

/**
 * True for a plain JSON object (not null, not an array).
 * @param {unknown} value
 * @returns {boolean}
 */
export function isObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Require a JSON object with `"version": 1` and the given `kind`; unknown ones are rejected by
 * name.
 * @param {unknown} data
 * @param {string} kind - e.g. "phieukin/ballot"
 * @param {string} subject
 * @returns {object}
 */
export function checkHeader(data, kind, subject) {
  if (!isObject(data)) throw new FormatError('expected a JSON object', subject);
  if (data.version !== VERSION) {
    throw new FormatError(`unknown version ${JSON.stringify(data.version)}`, `${subject}.version`, 'version');
  }
  if (data.kind !== kind) throw new FormatError(`expected kind '${kind}'`, `${subject}.kind`, 'kind');
  return data;
}

/**
 * Require a JSON object with exactly `keys`: none missing, none unknown.
 * @param {unknown} data
 * @param {string[]} keys
 * @param {string} subject
 * @returns {object}
 */
export function requireKeys(data, keys, subject) {
  if (!isObject(data)) throw new FormatError('expected a JSON object', subject);
  const present = Object.keys(data);
  const missing = keys.filter((key) => !Object.prototype.hasOwnProperty.call(data, key));
  if (missing.length) throw new FormatError(`missing ${missing.sort().join(', ')}`, subject);
  const unknown = present.filter((key) => !keys.includes(key));
  if (unknown.length) throw new FormatError(`unknown field ${unknown.sort().join(', ')}`, subject);
  return data;
}

/**
 * Require an integer (a JS number, not a boolean) in `low..high`.
 * @param {unknown} value
 * @param {string} field
 * @param {number} low
 * @param {number} high
 * @returns {number}
 */
export function requireInt(value, field, low, high) {
  if (!Number.isSafeInteger(value) || value < low || value > high) {
    throw new FormatError(`must be an integer in ${low}..${high}`, field);
  }
  return value;
}
