/**
 * Signed committee messages (PROTOCOL.md §14.2), mirror of `tally/committee_message.py`.
 *
 * Every message a committee member sends during the key ceremony is signed with the Ed25519 key
 * the member's device drew when it claimed the link:
 * digest = H32("committee-message", canonical(message without "signature")), signature over
 * enc("phieukin.v1.sign.committee") ‖ enc(digest). The relaying server can neither forge a
 * member's message nor change a relayed share unnoticed.
 */

import { FormatError, InvalidMessage, InvalidSignature } from './errors.mjs';
import { bytesToHex, canonicalBytes, hexToBytes } from './encoding.mjs';
import { H32 } from './hashing.mjs';
import { checkHeader, isObject, requireKeys } from './objects.mjs';
import { sign, signingKeyFromHex, signingPublicKey, verifySignature } from './signatures.mjs';

export const MESSAGE_KIND = 'phieukin/committee-message';
export const COMMITTEE_PURPOSE = 'committee';
export const COMPLAINT_CHECKS = ['decryption', 'scalar', 'commitments'];
const BODY_FIELDS = {
  claim: ['signing_key'],
  announcement: ['announcement'],
  shares: ['shares'],
  complaint: ['accused', 'check'],
  reveal: ['recipient', 'value'],
  confirmation: ['election'],
};
const MESSAGE_FIELDS = ['version', 'kind', 'manifest_hash', 'trustee', 'type', 'body', 'signature'];
const HEX64 = /^[0-9a-f]{64}$/;

function index(value, field) {
  if (!Number.isSafeInteger(value) || value < 1 || value > 15) {
    throw new FormatError('must be a committee index', field);
  }
}

function checkBody(type, body, subject) {
  if (!Object.hasOwn(BODY_FIELDS, type)) throw new FormatError('unknown message type', subject);
  requireKeys(body, BODY_FIELDS[type], `${subject}.body`);
  if (type === 'claim') signingKeyFromHex(body.signing_key, `${subject}.signing_key`);
  if (type === 'announcement' && !isObject(body.announcement)) {
    throw new FormatError('expected an object', `${subject}.announcement`);
  }
  if (type === 'shares' && !Array.isArray(body.shares)) throw new FormatError('expected a list', `${subject}.shares`);
  if (type === 'complaint') {
    index(body.accused, `${subject}.accused`);
    if (!COMPLAINT_CHECKS.includes(body.check)) throw new FormatError('unknown check', `${subject}.check`);
  }
  if (type === 'reveal') {
    index(body.recipient, `${subject}.recipient`);
    if (typeof body.value !== 'string' || !HEX64.test(body.value)) throw new FormatError('expected a scalar', `${subject}.value`);
  }
  if (type === 'confirmation' && (typeof body.election !== 'string' || !HEX64.test(body.election))) {
    throw new FormatError('expected 32 bytes of hex', `${subject}.election`);
  }
}

function unsigned({ manifestHash, trustee, type, body }) {
  return {
    version: 1, kind: MESSAGE_KIND, manifest_hash: manifestHash, trustee, type, body,
  };
}

/**
 * H32("committee-message", canonical(message without its signature)).
 * @param {object} message - a message JSON (its `signature`, if any, is left out)
 * @returns {Uint8Array}
 */
export function messageDigest(message) {
  const { signature, ...rest } = message;
  return H32('committee-message', canonicalBytes(rest));
}

/**
 * Make and sign a message.
 * @param {Uint8Array} seed - the member's 32-byte signing seed (device key)
 * @param {{manifestHash: string, trustee: number, type: string, body: object}} fields
 * @returns {object} the `phieukin/committee-message` JSON
 */
export function signMessage(seed, fields) {
  checkBody(fields.type, fields.body, `${fields.type} message`);
  const message = unsigned(fields);
  return { ...message, signature: sign(seed, COMMITTEE_PURPOSE, messageDigest(message)) };
}

/**
 * The message a logged event records (its body fields and signature), to check again.
 * @param {{manifestHash: string, trustee: number, type: string, body: object, signature: string}} fields
 * @returns {object}
 */
export function rebuildMessage(fields) {
  return { ...unsigned(fields), signature: fields.signature };
}

/**
 * Load a received message: header, the round's manifest hash, the sender (if given), the type
 * (if given) and the body's fields. The signature is checked by `verifyMessage`.
 * @param {unknown} data
 * @param {{manifestHash: string, trustee?: number, type?: string}} expected
 * @returns {object}
 */
export function loadMessage(data, { manifestHash, trustee, type } = {}) {
  const message = requireKeys(checkHeader(data, MESSAGE_KIND, 'message'), MESSAGE_FIELDS, 'message');
  index(message.trustee, 'message.trustee');
  if (!Object.hasOwn(BODY_FIELDS, message.type) || (type && message.type !== type)) {
    throw new FormatError(`expected a ${type || 'known'} message`, 'message.type');
  }
  if (message.manifest_hash !== manifestHash) {
    throw new InvalidMessage('manifest', `${message.type} message of trustee ${message.trustee}`, 'another round');
  }
  if (trustee !== undefined && message.trustee !== trustee) {
    throw new InvalidMessage('sender', `${message.type} message`, `sent for trustee ${message.trustee}`);
  }
  checkBody(message.type, message.body, `${message.type} message of trustee ${message.trustee}`);
  return message;
}

/**
 * Check a message's signature under the key its sender claimed the link with (`null`: refused).
 * Throws `InvalidSignature`.
 * @param {object} message
 * @param {Uint8Array|string|null} signingKey
 */
export function verifyMessage(message, signingKey) {
  const subject = `${message.type} message of trustee ${message.trustee}`;
  if (!signingKey) throw new InvalidSignature('unclaimed', subject);
  const key = typeof signingKey === 'string' ? hexToBytes(signingKey) : signingKey;
  verifySignature(key, COMMITTEE_PURPOSE, messageDigest(message), message.signature, subject);
}

/**
 * The key a `claim` names, after checking the claim is signed by that very key.
 * @param {object} message - a loaded `claim`
 * @returns {string} 64 hex
 */
export function claimedKey(message) {
  const key = signingKeyFromHex(message.body.signing_key, 'claim.signing_key');
  verifyMessage(message, key);
  return message.body.signing_key;
}

/**
 * The public key (64 hex) of a signing seed.
 * @param {Uint8Array} seed
 * @returns {string}
 */
export function publicKeyHex(seed) {
  return bytesToHex(signingPublicKey(seed));
}
