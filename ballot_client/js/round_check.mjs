/**
 * What a committee device checks before it decrypts (PROTOCOL.md §15), mirror of
 * `tally/round_check.py`; `tests/vectors/round_check.json` holds cases both must decide alike.
 *
 * The device decrypts only an aggregate it recomputed from ballots it verified, of a round it
 * followed in the signed log (checked by `LogFollower`, eventlog.mjs). `checkBallots` runs in
 * Web Workers (verify-worker.js) and returns, per ballot, its tracker, token hash and any
 * problem, and the chunk's ciphertext sum; `planRound` reads the round from the log;
 * `finishRound` compares the ballots with the log and the sum with the logged aggregate. Each
 * refusal throws `DecryptionRefused` naming the reason.
 */

import { DecryptionRefused, TallyError } from './errors.mjs';
import { bytesToHex, canonicalBytes } from './encoding.mjs';
import { IDENTITY, pointFromHex, pointToHex } from './group.mjs';
import { loadElection, loadManifest } from './election.mjs';
import { aggregateCiphertexts, tracker, trackerCode, verifyBallot } from './ballot.mjs';
import { H32 } from './hashing.mjs';
import { verifyPossession } from './submission.mjs';
import { aggregateToJson } from './decryption.mjs';
import { isObject } from './objects.mjs';

export const MIN_BALLOTS = 3;
const EVENT_FIELD = {
  'round-started': 'started',
  'round-roll': 'roll',
  'election-published': 'election',
  'voting-opened': 'opened',
  'voting-closed': 'closed',
  aggregate: 'aggregate',
  counts: 'counts',
  'small-round-override': 'override',
};

const refuse = (check, subject, detail = '') => new DecryptionRefused(check, subject, detail);
const code = (hex) => {
  try {
    return trackerCode(hex);
  } catch {
    return String(hex).slice(0, 16);
  }
};
const text = (value) => {
  try {
    return new TextDecoder().decode(canonicalBytes(value));
  } catch {
    return null;
  }
};

function readRounds(events) {
  const rounds = new Map();
  for (const event of events) {
    const { body, type, seq } = event;
    if (!isObject(body) || !Number.isSafeInteger(body.round)) continue;
    if (!rounds.has(body.round)) {
      rounds.set(body.round, {
        number: body.round, seq: {}, once: {}, accepted: [], logged: new Map(),
        cancelledAfterOpen: new Set(),
      });
    }
    const entry = rounds.get(body.round);
    const name = EVENT_FIELD[type];
    if (name) {
      if (name in entry.once) throw refuse('round.repeated', `round ${entry.number}`, `a second ${type}`);
      entry.once[name] = body;
      entry.seq[name] = seq;
    } else if (type === 'ballot-accepted') {
      entry.accepted.push([seq, String(body.tracker), String(body.token_hash)]);
      entry.logged.set(String(body.tracker), body);
    } else if (type === 'token-cancelled' && 'opened' in entry.once) {
      entry.cancelledAfterOpen.add(String(body.token_hash));
    }
  }
  return rounds;
}

function contextOf(entry) {
  const { started, election } = entry.once;
  try {
    const manifest = loadManifest(started.manifest);
    if (manifest.hashHex !== started.manifest_hash) throw new Error('manifest hash');
    return loadElection(manifest, election.election);
  } catch (error) {
    throw refuse('log.format', `round ${entry.number}`, String(error?.message ?? error));
  }
}

/** The round rule: the key round itself, or a later round of the verified log reusing its keys
 * (recursively): a runoff of a counted round, or another round started after the keys were
 * published. */
function checkKeys(rounds, number, keyRound) {
  let current = number;
  const subject = `round ${number}`;
  while (current !== keyRound) {
    const entry = rounds.get(current);
    const source = entry.once.started.keys_of_round;
    if (!Number.isSafeInteger(source) || source < keyRound || source >= current) {
      throw refuse('round.keys', subject, "not a round of this member's keys");
    }
    const previous = rounds.get(source);
    if (!previous || !('election' in previous.once) || !('started' in previous.once)) {
      throw refuse('round.keys', subject, `round ${source} is not in the log`);
    }
    const started = entry.seq.started;
    if (!(previous.seq.election < started)) {
      throw refuse('round.keys', subject, `round ${source} had no keys before it`);
    }
    const runoffOf = (entry.once.roll ?? {}).runoff_of ?? null;
    if (runoffOf !== null) {
      if (runoffOf !== source) throw refuse('round.keys', subject, `not a runoff of round ${source}`);
      const counted = previous.seq.counts;
      if (counted === undefined || counted > started) {
        throw refuse('round.keys', subject, `round ${source} was not counted before it`);
      }
    }
    const expected = { ...(previous.once.election.election ?? {}), manifest_hash: entry.once.started.manifest_hash };
    if (text(entry.once.election.election) !== text(expected)) {
      throw refuse('round.keys', subject, `not the keys of round ${source}`);
    }
    current = source;
  }
}

/**
 * The log's side of §15: the round and the ballot checks that need no ballot.
 * @param {object[]} events - the verified events
 * @param {{number: number, keyRound: number, index: number, signingKey: string}} who
 * @returns {{number: number, context: object, accepted: Map<string, string>,
 *   logged: Map<string, object>, tokens: number, closedCount: *, aggregate: *,
 *   override: object|null}} `accepted`: tracker → token hash; `logged`: tracker → the
 *   `ballot-accepted` body (the ballot's hash, the submission's proof of possession)
 */
export function planRound(events, { number, keyRound, index, signingKey }) {
  const rounds = readRounds(events);
  const subject = `round ${number}`;
  for (const needed of [number, keyRound]) {
    const entry = rounds.get(needed);
    if (!entry || !('started' in entry.once) || !('election' in entry.once)) {
      throw refuse('round.missing', `round ${needed}`, 'not in the signed log');
    }
  }
  checkKeys(rounds, number, keyRound);
  const context = contextOf(rounds.get(number));
  const keyContext = contextOf(rounds.get(keyRound));
  const own = keyContext.data.trustees[index - 1];
  if (!own || own.signing_key !== signingKey || context.data.joint_key !== keyContext.data.joint_key) {
    throw refuse('round.election', subject, "not the election this member's keys made");
  }
  const entry = rounds.get(number);
  if (!('closed' in entry.once) || !('aggregate' in entry.once) || !('opened' in entry.once)) {
    throw refuse('round.not-closed', subject);
  }
  const opened = entry.seq.opened;
  const closed = entry.seq.closed;
  if (entry.accepted.some(([seq]) => !(Number.isSafeInteger(seq) && opened < seq && seq < closed))) {
    throw refuse('ballots.window', subject, 'a ballot accepted outside the voting time');
  }
  const committed = entry.once.opened.token_hashes;
  if (!Array.isArray(committed)) throw refuse('log.format', subject, 'voting-opened without token hashes');
  const valid = new Set(committed.map(String));
  for (const token of entry.cancelledAfterOpen) valid.delete(token);
  for (const [, trackerHex, token] of entry.accepted) {
    if (!valid.has(token)) throw refuse('ballots.token', `${subject}, ballot ${code(trackerHex)}`);
  }
  const seen = new Set();
  for (const [, , token] of entry.accepted) {
    if (seen.has(token)) throw refuse('ballots.token-reused', subject, 'a token used twice');
    seen.add(token);
  }
  return {
    number,
    context,
    accepted: new Map(entry.accepted.map(([, trackerHex, token]) => [trackerHex, token])),
    logged: entry.logged,
    tokens: valid.size,
    closedCount: entry.once.closed.ballot_count,
    aggregate: entry.once.aggregate.aggregate,
    override: entry.once.override ?? null,
  };
}

/**
 * Every round of the log this member's keys may decrypt (the key round and the rounds reusing
 * its keys), in order: a client follows the last of them, never a round the server merely names.
 * @param {object[]} events
 * @param {number} keyRound
 * @returns {number[]}
 */
export function followableRounds(events, keyRound) {
  const rounds = readRounds(events);
  const found = [];
  for (const number of [...rounds.keys()].sort((a, b) => a - b)) {
    const entry = rounds.get(number);
    if (number < keyRound || !('started' in entry.once) || !('election' in entry.once)) continue;
    try {
      checkKeys(rounds, number, keyRound);
      found.push(number);
    } catch (error) {
      if (!(error instanceof DecryptionRefused)) throw error;
    }
  }
  return found;
}

/**
 * The manifest and election JSON of a round, from the verified log (null until published):
 * what ballots are checked against while voting is still open.
 * @param {object[]} events
 * @param {number} number
 * @returns {{manifest: object, election: object}|null}
 */
export function electionOfRound(events, number) {
  const entry = readRounds(events).get(number);
  if (!entry || !('started' in entry.once) || !('election' in entry.once)) return null;
  return { manifest: entry.once.started.manifest, election: entry.once.election.election };
}

/**
 * Verify ballots completely against a round's election (what a Web Worker runs).
 * @param {object} context - loadElection(...)
 * @param {unknown[]} ballots
 * @returns {{checks: Array<{tracker: string, ballotHash: string, tokenHash: string,
 *   problem: string}>, sum: string[][][]}} and the ciphertext sum of the good ones as hex, per question, option: [alpha, beta]
 */
export function checkBallots(context, ballots) {
  const checks = [];
  const good = [];
  for (const ballot of ballots) {
    let name;
    let ballotHash;
    try {
      name = tracker(ballot);
      ballotHash = bytesToHex(H32('ballot', canonicalBytes(ballot)));
    } catch {
      checks.push({ tracker: '', ballotHash: '', tokenHash: '', problem: 'not canonical JSON' });
      continue;
    }
    try {
      const verified = verifyBallot({ ballot, context });
      good.push(verified.ciphertexts);
      checks.push({ tracker: name, ballotHash, tokenHash: verified.tokenHash, problem: '' });
    } catch (error) {
      if (!(error instanceof TallyError)) throw error;
      checks.push({
        tracker: name, ballotHash, tokenHash: '', problem: `${error.name}: ${error.message}`,
      });
    }
  }
  const sum = aggregateCiphertexts(context, good)
    .map((row) => row.map((c) => [pointToHex(c.alpha), pointToHex(c.beta)]));
  return { checks, sum };
}

/**
 * Add chunk sums (hex, as `checkBallots` returns them) into one ciphertext per option.
 * @param {object} context
 * @param {string[][][][]} sums
 * @returns {Array<Array<{alpha: *, beta: *}>>}
 */
export function addSums(context, sums) {
  const point = (hex) => (hex === '0'.repeat(64) ? IDENTITY : pointFromHex(hex));
  return context.manifest.questions.map((question, q) => question.options.map((_, o) => {
    let alpha = IDENTITY;
    let beta = IDENTITY;
    for (const sum of sums) {
      alpha = alpha.add(point(sum[q][o][0]));
      beta = beta.add(point(sum[q][o][1]));
    }
    return { alpha, beta };
  }));
}

/** Fewer than 3 ballots, or fewer than half the tokens that could vote. */
export function isSmall(ballots, tokens) {
  return ballots < MIN_BALLOTS || 2 * ballots < tokens;
}

/**
 * The ballots' side of §15: exactly the accepted ones, every proof, the plain sum.
 * @param {ReturnType<typeof planRound>} plan
 * @param {Array<{tracker: string, ballotHash: string, tokenHash: string, problem: string}>} checks
 * @param {Array<Array<{alpha: *, beta: *}>>} sum - of every ballot's ciphertexts (`addSums`)
 * @returns {{number: number, context: object, aggregate: object, ballots: number, tokens: number,
 *   overrideReason: string|null}} `aggregate` is the recomputed `phieukin/aggregate` JSON
 */
export function finishRound(plan, checks, sum) {
  const subject = `round ${plan.number}`;
  const served = new Map();
  for (const check of checks) served.set(check.tracker, (served.get(check.tracker) ?? 0) + 1);
  const missing = [...plan.accepted.keys()].filter((t) => !served.has(t)).sort();
  if (missing.length) throw refuse('ballots.missing', `${subject}, ballot ${code(missing[0])}`);
  const extra = [...served].filter(([t, n]) => !plan.accepted.has(t) || n > 1).map(([t]) => t).sort();
  if (extra.length) throw refuse('ballots.extra', `${subject}, ballot ${code(extra[0])}`);
  for (const check of checks) {
    if (check.problem) throw refuse('ballots.proof', `${subject}, ballot ${code(check.tracker)}`, check.problem);
  }
  for (const check of checks) {
    const logged = plan.logged?.get(check.tracker) ?? {};
    if (plan.accepted.get(check.tracker) !== check.tokenHash || logged.ballot_hash !== check.ballotHash) {
      throw refuse('ballots.binding', `${subject}, ballot ${code(check.tracker)}`);
    }
  }
  for (const check of checks) {
    // only whoever held the card could have cast it (§6.1)
    const logged = plan.logged?.get(check.tracker) ?? {};
    const where = `${subject}, ballot ${code(check.tracker)}`;
    try {
      verifyPossession(check.tokenHash, logged.token_key, logged.signature, check.tracker, where);
    } catch (error) {
      if (!(error instanceof TallyError)) throw error;
      throw refuse('ballots.possession', where, error.message);
    }
  }
  const count = checks.length;
  const logged = isObject(plan.aggregate) ? plan.aggregate.ballot_count : undefined;
  if (plan.closedCount !== count || logged !== count) {
    throw refuse('aggregate.count', subject, `${count} ballots accepted`);
  }
  const aggregate = aggregateToJson(plan.context, sum, count);
  if (text(aggregate) !== text(plan.aggregate)) {
    throw refuse('aggregate.sum', subject, 'not the plain sum of the accepted ballots');
  }
  return {
    number: plan.number,
    context: plan.context,
    aggregate,
    ballots: count,
    tokens: plan.tokens,
    overrideReason: smallRound(plan, count),
  };
}

function smallRound(plan, count) {
  const { override } = plan;
  if (!isSmall(count, plan.tokens)) return override ? String(override.reason ?? '') : null;
  if (!override || override.ballots !== count || override.tokens !== plan.tokens
      || typeof override.reason !== 'string' || !override.reason.trim()) {
    throw refuse('round.small', `round ${plan.number}`,
      `${count} ballot(s) for ${plan.tokens} tokens, and no override recorded`);
  }
  return override.reason;
}
