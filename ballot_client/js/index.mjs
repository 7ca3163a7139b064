/**
 * The public API of the browser cryptographic core of Phiếu Kín (PROTOCOL.md).
 *
 * Everything a page needs — tokens, ballot encryption, audit and signed submission, receipts,
 * trustee ceremony, decryption shares — and the matching verifiers, re-exported from one place.
 * The modules import only `@noble/curves`, `@noble/hashes` and `@noble/ciphers` (through the
 * page's import map) and use no WebCrypto `subtle`, so they run on a plain-HTTP LAN page and
 * under Node.
 */

export * from './errors.mjs';
export { ORDER, GENERATOR_HEX, VERSION } from './constants.mjs';
export {
  bytesToHex, hexToBytes, encodeParts, canonicalJson, canonicalBytes, parseJson,
} from './encoding.mjs';
export { H, H32, Hs, PREFIX } from './hashing.mjs';
export {
  Point, G, IDENTITY, pointFromHex, pointToHex, scalarFromHex, scalarToHex, scalarBytes,
  mul, baseMul, mulPublic, mod, fixedBase,
} from './group.mjs';
export { osRandomScalar, randomBytes, testRng } from './rng.mjs';
export {
  ALPHABET, base32Encode, generateToken, normalizeToken, tokenHash, tokenHashBytes, tokenIdentity,
} from './token.mjs';
export {
  MANIFEST_KIND, ELECTION_KIND, MAX_OPTIONS, loadManifest, loadElection, makeElection, publicShare,
  expectedSharePoint,
} from './election.mjs';
export {
  makeRangeProof, verifyRangeProof, makeSchnorrProof, verifySchnorrProof, makeEqualityProof,
  verifyEqualityProof,
} from './proofs.mjs';
export {
  BALLOT_KIND, ENCRYPTION_KIND, encryptBallot, encryptBallotSteps, sealBallot, encryptionOf,
  verifyBallot, tracker, trackerCode, aggregateCiphertexts, selectionLabel, sumLabel,
  selectedOptions,
} from './ballot.mjs';
export { AUDITED_KIND, openBallot, verifyAuditedBallot } from './audited.mjs';
export { SUBMISSION_PURPOSE, makeSubmission, verifyPossession } from './submission.mjs';
export {
  ANNOUNCEMENT_KIND, SHARE_KIND, makeTrustee, announceSecrets, sameKeys, checkRevealedShare,
  loadAnnouncement, verifyAnnouncement, makeEncryptedShare, makeEncryptedShares, loadShare,
  openShare, combineSecretShare, evaluatePolynomial, publicShareFromAnnouncements,
} from './trustee.mjs';
export {
  signingMessage, signingPublicKey, signingKeyFromHex, sign, verifySignature,
} from './signatures.mjs';
export {
  AGGREGATE_KIND, DECRYPTION_SHARE_KIND, aggregateToJson, loadAggregate, makeDecryptionShare,
  verifyDecryptionShare, lagrangeCoefficient, smallDiscreteLog, combineDecryptionShares,
} from './decryption.mjs';
export {
  ROUND_KINDS, checkKind, computeSheet, checkSheet, deductionTenths,
} from './roundkinds.mjs';
export {
  MINUTE_KIND, MINUTE_PURPOSE, MinuteRefused, minuteDigest, checkMinute, signMinute,
} from './minute.mjs';
export { shortCode, memberFingerprint, electionCode } from './fingerprint.mjs';
export {
  MESSAGE_KIND, COMMITTEE_PURPOSE, COMPLAINT_CHECKS, messageDigest, signMessage, rebuildMessage,
  loadMessage, verifyMessage, claimedKey, publicKeyHex,
} from './messages.mjs';
export { EVENT_KIND, eventHash, verifyLog, pinnedKey, LogFollower } from './eventlog.mjs';
export {
  MIN_BALLOTS, planRound, followableRounds, electionOfRound, checkBallots, addSums, isSmall,
  finishRound,
} from './round_check.mjs';
