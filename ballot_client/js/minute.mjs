/**
 * The minute of the count (`phieukin/minute`) as a committee member's device checks it before
 * co-signing it (PROTOCOL.md §10 "Signatures"; API.md "Minute").
 *
 * The server sends `{minute, digest, server_signature, signatures}`. The device never signs the
 * server's `digest` on trust: it recomputes `H32("minute", canonical(minute))` from the minute it
 * shows the member and refuses unless both agree, so what the member reads is what they sign.
 * It also refuses a minute that does not name this member's own signing key, or that gives this
 * member's round another election fingerprint than the one the device knows. The signature is
 * Ed25519 over `enc("phieukin.v1.sign.minute") ‖ enc(digest)` (signatures.mjs), the same bytes
 * the server and `phieukin trustee` sign and verify.
 */

import { bytesToHex, canonicalBytes, hexToBytes } from './encoding.mjs';
import { H32 } from './hashing.mjs';
import { sign, signingPublicKey } from './signatures.mjs';

export const MINUTE_KIND = 'phieukin/minute';
export const MINUTE_PURPOSE = 'minute';

/**
 * A minute this device will not sign. `check` names why: "format" (not a minute),
 * "digest" (the server's digest is not the minute's), "member" (this member is not on its
 * committee), "key" (it names another signing key for this member), "election" (this member's
 * round is missing or has another fingerprint).
 */
export class MinuteRefused extends Error {
  constructor(check, message, details = {}) {
    super(message);
    this.name = 'MinuteRefused';
    this.check = check;
    Object.assign(this, details);
  }
}

function isObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * `H32("minute", canonical(minute))`: the 32 bytes everyone signs.
 * @param {object} minute
 * @returns {Uint8Array}
 */
export function minuteDigest(minute) {
  return H32(MINUTE_PURPOSE, canonicalBytes(minute));
}

/**
 * Check a `GET /api/minute` document before signing it.
 * @param {unknown} document - `{minute, digest, …}` as received
 * @param {object} expected
 * @param {number} expected.index - this member's index
 * @param {Uint8Array} [expected.signingSeed] - this member's signing seed (its key must be named)
 * @param {number} [expected.round] - a round this device took part in
 * @param {string} [expected.fingerprint] - that round's election fingerprint (64 hex)
 * @returns {{digest: string, member: object}} the recomputed digest (hex) and this member's entry
 */
export function checkMinute(document, { index, signingSeed, round, fingerprint } = {}) {
  if (!isObject(document) || !isObject(document.minute) || document.minute.kind !== MINUTE_KIND
      || !Array.isArray(document.minute.committee) || !Array.isArray(document.minute.rounds)) {
    throw new MinuteRefused('format', 'not a phieukin/minute document');
  }
  const { minute } = document;
  let digest;
  try {
    digest = bytesToHex(minuteDigest(minute));
  } catch (error) {
    throw new MinuteRefused('format', `the minute has no canonical form: ${error?.message ?? error}`);
  }
  if (document.digest !== digest) {
    throw new MinuteRefused('digest', 'the server\'s digest is not the digest of the minute it sent', {
      claimed: typeof document.digest === 'string' ? document.digest : '', computed: digest,
    });
  }
  const member = minute.committee.find((c) => isObject(c) && c.index === index);
  if (!member) throw new MinuteRefused('member', `member ${index} is not on the minute's committee`);
  if (signingSeed && member.signing_key !== bytesToHex(signingPublicKey(signingSeed))) {
    throw new MinuteRefused('key', `the minute names another signing key for member ${index}`);
  }
  if (round !== undefined && fingerprint !== undefined) {
    const entry = minute.rounds.find((r) => isObject(r) && r.round === round);
    if (!entry || entry.fingerprint !== fingerprint) {
      throw new MinuteRefused('election', `round ${round} of the minute is not this election`);
    }
  }
  return { digest, member };
}

/**
 * Check the document (`checkMinute`) and sign the recomputed digest with the member's seed.
 * @returns {{digest: string, signature: string}} the body of `POST /api/minute/signatures`
 */
export function signMinute(signingSeed, document, expected) {
  const { digest } = checkMinute(document, { ...expected, signingSeed });
  return { digest, signature: sign(signingSeed, MINUTE_PURPOSE, hexToBytes(digest)) };
}
