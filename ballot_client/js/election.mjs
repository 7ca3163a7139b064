/**
 * The manifest of a voting round and the election that fixes its keys (PROTOCOL.md §4).
 *
 * `loadManifest` validates what is asked and computes `manifest_hash`; `loadElection` checks an
 * election object against its manifest (trustees 1..n with t commitments each, the joint key
 * K = Σᵢ A_{i,0}) and yields the context that ballots and decryption shares are made and checked
 * against, with the fingerprint hₑ that binds every proof to this election.
 */

import { FormatError } from './errors.mjs';
import { bytesToHex, canonicalBytes } from './encoding.mjs';
import { H32 } from './hashing.mjs';
import { fixedBaseFromHex, mulPublic, pointFromHex, pointToHex, sum } from './group.mjs';
import { checkHeader, isObject, requireInt } from './objects.mjs';
import { checkKind } from './roundkinds.mjs';
import { signingKeyFromHex } from './signatures.mjs';

export const MANIFEST_KIND = 'phieukin/manifest';
export const ELECTION_KIND = 'phieukin/election';
const QUESTION_ID = /^[A-Za-z0-9_-]{1,64}$/;
/** Options per question: the four levels of a rating, or the members tied in a runoff. */
export const MAX_OPTIONS = 100;

/**
 * @typedef {object} Question
 * @property {string} id
 * @property {string} title
 * @property {string[]} options
 * @property {number} minSelections
 * @property {number} maxSelections
 * @property {number[]} allowedSums - [min_selections, …, max_selections], the sum proof's V
 * @property {string[]|null} optionTitles - what the phone shows per option (a runoff's names)
 */

/**
 * @typedef {object} LoadedManifest
 * @property {object} data - the manifest JSON, hashed as is
 * @property {Question[]} questions
 * @property {number} threshold - t
 * @property {number} committeeSize - n
 * @property {Uint8Array} hash - manifest_hash = H32("manifest", canonical(manifest))
 * @property {string} hashHex
 * @property {string} kind - the round's kind (roundkinds.mjs)
 */

/**
 * Validate a manifest object (PROTOCOL.md §4) and compute its hash.
 * @param {unknown} data
 * @returns {LoadedManifest}
 */
export function loadManifest(data) {
  const manifest = checkHeader(data, MANIFEST_KIND, 'manifest');
  const rawQuestions = manifest.questions;
  if (!Array.isArray(rawQuestions) || rawQuestions.length < 1 || rawQuestions.length > 500) {
    throw new FormatError('expected 1 to 500 questions', 'manifest.questions');
  }
  const seen = new Set();
  const questions = rawQuestions.map((raw, position) => {
    const subject = `manifest.questions[${position}]`;
    if (!isObject(raw)) throw new FormatError('expected an object', subject);
    const { id, options } = raw;
    if (typeof id !== 'string' || !QUESTION_ID.test(id) || seen.has(id)) {
      throw new FormatError('id must be unique and match [A-Za-z0-9_-]{1,64}', subject);
    }
    seen.add(id);
    if (
      !Array.isArray(options) || options.length < 2 || options.length > MAX_OPTIONS
      || !options.every((option) => typeof option === 'string' && option)
      || new Set(options).size !== options.length
    ) {
      throw new FormatError(`expected 2 to ${MAX_OPTIONS} distinct option names`, `${subject}.options`);
    }
    const low = requireInt(raw.min_selections, `${subject}.min_selections`, 0, options.length);
    const high = requireInt(raw.max_selections, `${subject}.max_selections`, low, options.length);
    const title = raw.title ?? '';
    if (typeof title !== 'string') throw new FormatError('must be a string', `${subject}.title`);
    const titles = raw.option_titles;
    if (titles !== undefined && titles !== null && (
      !Array.isArray(titles) || titles.length !== options.length
      || !titles.every((t) => typeof t === 'string' && t))) {
      throw new FormatError('expected one non-empty title per option', `${subject}.option_titles`);
    }
    const allowedSums = [];
    for (let m = low; m <= high; m++) allowedSums.push(m);
    return {
      id, title, options: [...options], minSelections: low, maxSelections: high, allowedSums,
      optionTitles: titles ? [...titles] : null,
    };
  });
  const { committee } = manifest;
  if (!isObject(committee)) throw new FormatError('expected an object', 'manifest.committee');
  const { members } = committee;
  if (!Array.isArray(members) || members.length < 1 || members.length > 15) {
    throw new FormatError('expected 1 to 15 members', 'manifest.committee.members');
  }
  members.forEach((member, position) => {
    if (!isObject(member) || member.index !== position + 1) {
      throw new FormatError('members must be numbered 1..n in order', 'manifest.committee.members');
    }
  });
  const threshold = requireInt(committee.threshold, 'manifest.committee.threshold', 1, members.length);
  const kind = checkKind(manifest); // a manifest naming its kind has that kind's shape
  const hash = H32('manifest', canonicalBytes(manifest));
  return {
    data: manifest, questions, threshold, committeeSize: members.length, hash, hashHex: bytesToHex(hash), kind,
  };
}

/**
 * @typedef {object} ElectionContext
 * @property {LoadedManifest} manifest
 * @property {object} data - the election JSON
 * @property {Uint8Array} fingerprint - hₑ = H32("election", canonical(election))
 * @property {string} fingerprintHex
 * @property {*} jointKey - K, with precomputed tables
 * @property {Uint8Array} jointKeyBytes
 * @property {Array<Array<*>>} commitments - per trustee 1..n, the t points A_{i,k}
 */

const contextCache = new WeakMap();

/**
 * Load an election object and check it against its manifest (cached per object pair, so
 * encrypting many ballots prepares K's tables once).
 * @param {unknown} manifestData - the manifest JSON (or a `LoadedManifest`)
 * @param {unknown} electionData - the election JSON
 * @returns {ElectionContext}
 */
export function loadElection(manifestData, electionData) {
  const cached = isObject(electionData) ? contextCache.get(electionData) : undefined;
  if (cached && (cached.manifest.data === manifestData || cached.manifest === manifestData)) return cached;
  const manifest = isLoadedManifest(manifestData) ? manifestData : loadManifest(manifestData);
  const election = checkHeader(electionData, ELECTION_KIND, 'election');
  if (election.manifest_hash !== manifest.hashHex) {
    throw new FormatError('does not match the manifest', 'election.manifest_hash');
  }
  const { trustees } = election;
  if (!Array.isArray(trustees) || trustees.length !== manifest.committeeSize) {
    throw new FormatError('one entry per committee member', 'election.trustees');
  }
  const commitments = trustees.map((trustee, position) => {
    const subject = `election.trustees[${position}]`;
    if (!isObject(trustee) || trustee.index !== position + 1) {
      throw new FormatError('trustees must be numbered 1..n in order', subject);
    }
    const raw = trustee.commitments;
    if (!Array.isArray(raw) || raw.length !== manifest.threshold) {
      throw new FormatError(`expected ${manifest.threshold} commitments`, subject);
    }
    return raw.map((c) => pointFromHex(c, subject));
  });
  const signingKeys = trustees.map(
    (trustee, position) => signingKeyFromHex(
      trustee.signing_key, `election.trustees[${position}].signing_key`,
    ),
  );
  const jointKey = fixedBaseFromHex(election.joint_key, 'election.joint_key');
  if (!jointKey.equals(sum(commitments.map((c) => c[0])))) {
    throw new FormatError("is not the sum of the trustees' commitments", 'joint_key');
  }
  const fingerprint = H32('election', canonicalBytes(election));
  const context = {
    manifest,
    data: election,
    fingerprint,
    fingerprintHex: bytesToHex(fingerprint),
    jointKey,
    jointKeyBytes: jointKey.toBytes(),
    commitments,
    signingKeys,
  };
  contextCache.set(election, context);
  return context;
}

function isLoadedManifest(value) {
  return isObject(value) && value.hash instanceof Uint8Array && Array.isArray(value.questions);
}

/**
 * Σₖ xᵏ·A_k: the public image P(x)·G of a polynomial value, from its commitments alone.
 * @param {Array<*>} commitments - A_0, …, A_{t−1}
 * @param {number} x
 * @returns {*}
 */
export function expectedSharePoint(commitments, x) {
  let power = 1n;
  const terms = [];
  for (const commitment of commitments) {
    terms.push(mulPublic(power, commitment));
    power *= BigInt(x);
  }
  return sum(terms);
}

/**
 * Kⱼ = Σᵢ Σₖ jᵏ A_{i,k} = sⱼG: trustee j's public share, from every trustee's commitments.
 * @param {ElectionContext} context
 * @param {number} index - j
 * @returns {*}
 */
export function publicShare(context, index) {
  return sum(context.commitments.map((c) => expectedSharePoint(c, index)));
}

/**
 * The election object made from the (already verified) ceremony announcements, one per member.
 * @param {unknown} manifestData
 * @param {Array<{index: number, commitments: Array<*>}>} announcements - loaded announcements
 * @returns {object} the `phieukin/election` JSON
 */
export function makeElection(manifestData, announcements) {
  const manifest = isLoadedManifest(manifestData) ? manifestData : loadManifest(manifestData);
  const ordered = [...announcements].sort((a, b) => a.index - b.index);
  if (ordered.map((a) => a.index).join() !== Array.from({ length: manifest.committeeSize }, (_, i) => i + 1).join()) {
    throw new FormatError('need one announcement per committee member', 'trustees');
  }
  return {
    version: 1,
    kind: ELECTION_KIND,
    manifest_hash: manifest.hashHex,
    joint_key: pointToHex(sum(ordered.map((a) => a.commitments[0]))),
    trustees: ordered.map((a) => ({
      index: a.index,
      commitments: a.commitments.map(pointToHex),
      signing_key: bytesToHex(a.signingKey),
    })),
  };
}
