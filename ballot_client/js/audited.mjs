/**
 * Audited ballots: Benaloh's cast-or-audit check of the phone (PROTOCOL.md §8.1), the mirror of
 * `tally/audited.py`.
 *
 * After the review the phone seals the ballot and shows its tracker; the voter casts it or
 * audits it. Auditing reveals each selection's nonce r and the chosen options, so anyone can
 * recompute (α, β) = (rG, rK + mG) and see what was really encrypted. The audited ballot is
 * never counted and carries nothing derived from the token (no token hash, no proof): it shows
 * the voter's intended choices and must not be linkable to the voter.
 */

import { FormatError, InvalidAudit } from './errors.mjs';
import {
  G, baseMulPublic, mulPublic, pointToHex, scalarFromHex, scalarToHex,
} from './group.mjs';
import { loadElection } from './election.mjs';
import { checkHeader, requireKeys } from './objects.mjs';
import { tracker } from './ballot.mjs';

export const AUDITED_KIND = 'phieukin/audited-ballot';
const KEYS = ['version', 'kind', 'election', 'answers'];
const ANSWER_KEYS = ['question', 'selected', 'selections'];
const SELECTION_KEYS = ['alpha', 'beta', 'nonce'];

/**
 * The audited ballot of a sealed ballot (`sealBallot`, `encryptBallotSteps`): its ciphertexts
 * with their nonces and, per question, the chosen options.
 * @param {{ballot: object, nonces: bigint[][], selected: number[][]}} sealed
 * @returns {object} the `phieukin/audited-ballot` JSON
 */
export function openBallot(sealed) {
  const { ballot, nonces, selected } = sealed;
  if (!ballot || !Array.isArray(nonces) || nonces.length !== ballot.answers.length) {
    throw new FormatError('expected a sealed ballot with its nonces', 'sealed ballot');
  }
  return {
    version: 1,
    kind: AUDITED_KIND,
    election: ballot.election,
    answers: ballot.answers.map((answer, q) => ({
      question: answer.question,
      selected: [...selected[q]],
      selections: answer.selections.map((s, o) => ({
        alpha: s.alpha, beta: s.beta, nonce: scalarToHex(nonces[q][o]),
      })),
    })),
  };
}

/**
 * Check that every ciphertext of an audited ballot opens, with its nonce, to the choices it
 * claims: α = rG and β = rK + mG with m = 1 exactly for the selected options. Throws
 * `FormatError`, `InvalidScalar` or `InvalidAudit` (check `election`, `shape`, `selected`,
 * `nonce`, `alpha`, `opening`).
 * @param {{audited: object, manifest?: object, election?: object, context?: object}} args
 * @returns {{tracker: string, selected: number[][]}}
 */
export function verifyAuditedBallot({ audited, manifest, election, context }) {
  const ctx = context ?? loadElection(manifest, election);
  const data = requireKeys(checkHeader(audited, AUDITED_KIND, 'audited ballot'), KEYS, 'audited');
  if (data.election !== ctx.fingerprintHex) {
    throw new InvalidAudit('election', 'audited ballot', 'bound to another election');
  }
  const { questions } = ctx.manifest;
  if (!Array.isArray(data.answers) || data.answers.length !== questions.length) {
    throw new InvalidAudit('shape', 'audited ballot', `expected ${questions.length} answers`);
  }
  const selected = questions.map((question, q) => {
    const subject = `audited ballot, ${question.id}`;
    const answer = requireKeys(data.answers[q], ANSWER_KEYS, subject);
    if (answer.question !== question.id || !Array.isArray(answer.selections)) {
      throw new InvalidAudit('shape', subject, 'answers must follow the manifest order');
    }
    if (answer.selections.length !== question.options.length) {
      throw new InvalidAudit('shape', subject, `expected ${question.options.length} selections`);
    }
    const chosen = answer.selected;
    const sorted = Array.isArray(chosen)
      && chosen.every((i, k) => Number.isInteger(i) && i >= 0 && i < question.options.length && (k === 0 || i > chosen[k - 1]));
    if (!sorted) throw new InvalidAudit('selected', subject, 'not a sorted list of option indices');
    if (!question.allowedSums.includes(chosen.length)) {
      throw new InvalidAudit('selected', subject, `${chosen.length} options chosen`);
    }
    answer.selections.forEach((selection, option) => {
      const label = `${subject}/${option}`;
      requireKeys(selection, SELECTION_KEYS, label);
      const nonce = scalarFromHex(selection.nonce, `${label}.nonce`);
      if (nonce === 0n) throw new InvalidAudit('nonce', label, 'a zero nonce encrypts nothing');
      if (selection.alpha !== pointToHex(baseMulPublic(nonce))) {
        throw new InvalidAudit('alpha', label, 'alpha is not rG for the revealed nonce');
      }
      const masked = mulPublic(nonce, ctx.jointKey);
      const beta = chosen.includes(option) ? masked.add(G) : masked;
      if (selection.beta !== pointToHex(beta)) {
        throw new InvalidAudit('opening', label, 'beta does not open to the claimed choice');
      }
    });
    return [...chosen];
  });
  return { tracker: tracker(data), selected };
}
