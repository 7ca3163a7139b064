/**
 * The ballot submission (PROTOCOL.md §6.1): proof of possession of the token, never the token.
 *
 * The phone posts `{"ballot", "token_key", "signature"}`: the token's Ed25519 public key (whose
 * `H32("token", …)` is the ballot's `token_hash`) and a signature with the token's key on the
 * ballot's tracker, purpose `ballot`. An eavesdropper learns nothing it could vote with: the
 * signature covers only this ballot, which the server accepts once.
 */

import { FormatError, InvalidBallot } from './errors.mjs';
import { bytesToHex, hexToBytes } from './encoding.mjs';
import { tracker } from './ballot.mjs';
import { H32 } from './hashing.mjs';
import { sign, signingKeyFromHex, verifySignature } from './signatures.mjs';
import { tokenIdentity } from './token.mjs';

export const SUBMISSION_PURPOSE = 'ballot';

/**
 * The body to POST to `/api/rounds/{n}/ballots` for `ballot`, signed with the token's key.
 * @param {{token: string, ballot: object}} args
 * @returns {{ballot: object, token_key: string, signature: string}}
 */
export function makeSubmission({ token, ballot }) {
  const identity = tokenIdentity(token);
  if (ballot?.token_hash !== identity.hashHex) {
    throw new FormatError('the ballot is bound to another token', 'ballot.token_hash', 'token_hash');
  }
  const signature = sign(identity.seed, SUBMISSION_PURPOSE, hexToBytes(tracker(ballot), 'tracker'));
  return { ballot, token_key: identity.keyHex, signature };
}

/**
 * Check a logged proof of possession: `tokenKey` is a valid Ed25519 key whose `H32("token", …)`
 * is `tokenHashHex`, and `signature` signs the tracker under it (as `tally.submission`).
 * @param {string} tokenHashHex
 * @param {unknown} tokenKey - 64 hex characters
 * @param {unknown} signature - 128 hex characters
 * @param {string} trackerHex
 * @param {string} subject - names the ballot in an error
 * @throws {InvalidPoint|InvalidBallot|InvalidSignature}
 */
export function verifyPossession(tokenHashHex, tokenKey, signature, trackerHex, subject) {
  const key = signingKeyFromHex(tokenKey, `${subject}.token_key`);
  if (bytesToHex(H32('token', key)) !== tokenHashHex) {
    throw new InvalidBallot('token_hash', subject, "the token key is not the ballot's token");
  }
  verifySignature(key, SUBMISSION_PURPOSE, hexToBytes(trackerHex, 'tracker'), signature, subject);
}
