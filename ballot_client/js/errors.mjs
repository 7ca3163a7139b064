/**
 * Every error the browser cryptographic core throws, in one place (mirror of `tally/errors.py`).
 *
 * A failed verification throws rather than returning `false`, so it cannot be ignored by
 * accident. Each error names the check that failed (`check`) and what it concerns (`subject`);
 * messages never contain a secret, a nonce or a plaintext vote.
 */

/** Base class of every error thrown by the core. */
export class TallyError extends Error {
  /**
   * @param {string} check - the name of the failed check (e.g. "challenge", "point", "kind")
   * @param {string} subject - what it concerns (e.g. "q01/2", "announcement 2.commitments")
   * @param {string} [detail] - a short explanation, never containing a secret
   */
  constructor(check, subject, detail = '') {
    const text = `check '${check}' failed for ${subject}`;
    super(detail ? `${text}: ${detail}` : text);
    this.name = new.target.name;
    this.check = check;
    this.subject = subject;
    this.detail = detail;
  }
}

/** A serialized value (hex, point, scalar, JSON, token) is malformed or not canonical. */
export class EncodingError extends TallyError {
  /**
   * @param {string} detail - what is wrong
   * @param {string} [field] - where (also available as `subject`)
   * @param {string} [check]
   */
  constructor(detail, field = '', check = 'encoding') {
    super(check, field || 'value', detail);
    this.field = field;
  }
}

/** A received group element is not a canonical, non-identity ristretto255 encoding. */
export class InvalidPoint extends EncodingError {
  constructor(detail, field = '') {
    super(detail, field, 'point');
  }
}

/** A received scalar is not a canonical little-endian integer below the group order. */
export class InvalidScalar extends EncodingError {
  constructor(detail, field = '') {
    super(detail, field, 'scalar');
  }
}

/** A serialized object has an unknown version or kind, or the wrong shape. */
export class FormatError extends TallyError {
  /**
   * @param {string} detail - what is wrong
   * @param {string} [field] - where
   * @param {string} [check] - "version", "kind" or "shape"
   */
  constructor(detail, field = '', check = 'shape') {
    super(check, field || 'object', detail);
    this.field = field;
  }
}

/** A check on a proof, key, share or record failed; names the check and the subject. */
export class VerificationError extends TallyError {}

/** A zero-knowledge proof does not verify. */
export class InvalidProof extends VerificationError {}

/** A ballot does not match its election: wrong fingerprint, shape or binding. */
export class InvalidBallot extends VerificationError {}

/** An audited ballot does not open to the choices it claims, or does not fit its election. */
export class InvalidAudit extends VerificationError {}

/** A key-ceremony share fails to decrypt or does not match the sender's commitments. */
export class InvalidShare extends VerificationError {}

/** Decryption shares cannot be combined: too few, duplicated, unknown trustee, or no count. */
export class InvalidDecryption extends VerificationError {}

/** An Ed25519 signature does not verify under the key it claims. */
export class InvalidSignature extends VerificationError {}

/** The event log's chain, order, hashes or signatures do not check out. */
export class InvalidLog extends VerificationError {}

/** A committee member's signed ceremony message is malformed or its signature fails. */
export class InvalidMessage extends VerificationError {}

/**
 * A committee device's check before decrypting failed; `check` is the named reason of
 * PROTOCOL.md §15 (`aggregate.sum`, `round.keys`, …) shown to the member.
 */
export class DecryptionRefused extends VerificationError {}
