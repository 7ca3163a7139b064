/**
 * A member of the vote-counting committee, in the browser: the one JavaScript implementation of
 * the role, which the committee page drives (the Python mirror, `ballot_client/committee.py`, is
 * what `phieukin trustee`, the demo and the tests drive). No DOM here: `api` does the HTTP,
 * `storage` keeps the secrets (localStorage), `verifyBallots` checks ballots (Web Workers on the
 * page, inline elsewhere).
 *
 * The device makes the member's key, pins the server's key from event 0 and claims the link with
 * its own key (PROTOCOL.md §14.1); the member saves the encrypted backup before the announcement
 * leaves the device; every ceremony message is signed (§14.2); every other member's signed
 * announcement and share is checked; a bad share is settled in the open (§14.3); the member
 * confirms only after comparing their key fingerprint with the projector (§16). Before it
 * decrypts, it follows the round in the signed log from event 0, verifies every ballot (as they
 * arrive, during voting) and recomputes the aggregate (§15); it decrypts what it recomputed.
 */

import { TallyError } from './errors.mjs';
import { bytesToHex } from './encoding.mjs';
import { baseMul, pointToHex, scalarToHex } from './group.mjs';
import { osRandomScalar } from './rng.mjs';
import { loadElection, loadManifest, makeElection, publicShare } from './election.mjs';
import {
  announceSecrets, checkRevealedShare, combineSecretShare, evaluatePolynomial, loadShare,
  makeEncryptedShares, makeTrustee, openShare, publicShareFromAnnouncements, sameKeys,
  verifyAnnouncement,
} from './trustee.mjs';
import { makeDecryptionShare } from './decryption.mjs';
import { memberFingerprint } from './fingerprint.mjs';
import { loadMessage, publicKeyHex, signMessage, verifyMessage } from './messages.mjs';
import { LogFollower, pinnedKey } from './eventlog.mjs';
import {
  addSums, checkBallots, electionOfRound, finishRound, followableRounds, planRound,
} from './round_check.mjs';
import {
  loadLocal, recordFromTrustee, saveLocal, withSecretShare, withoutCeremonySecrets,
} from './keystore.mjs';

const LOG_PAGE = 2000;
const BALLOT_PAGE = 100;

/**
 * The device stops: `reason` names why (`link_claimed`, `not_mine`, `bad_announcement`, `relay`,
 * `dispute_lost`, `share_mismatch`, `wrong_key`, `other_backup`, `no_key`); `member` is the other
 * member concerned, if any.
 */
export class MemberFailure extends Error {
  constructor(reason, member = null, detail = '') {
    super(detail || reason);
    this.name = 'MemberFailure';
    this.reason = reason;
    this.member = member;
  }
}

/** Check ballots on this thread (what the page does with Web Workers). */
export async function verifyInline(manifest, election, ballots) {
  const { checks, sum } = checkBallots(loadElection(manifest, election), ballots);
  return { checks, sums: [sum] };
}

export class CommitteeClient {
  /**
   * @param {object} args
   * @param {(path: string, options?: {method?: string, body?: unknown, credential?: boolean}) => Promise<any>} args.api
   *   JSON over HTTP; a refusal throws an error carrying `status` and `code`
   * @param {Storage} args.storage - where the secrets are kept
   * @param {number} args.linkRound - the round of the member's link (where the keys are made)
   * @param {(manifest: object, election: object, ballots: object[], onProgress?: (n: number) => void) =>
   *   Promise<{checks: object[], sums: string[][][][]}>} [args.verifyBallots]
   * @param {() => bigint} [args.rng]
   */
  constructor({ api, storage, linkRound, verifyBallots = verifyInline, rng = osRandomScalar }) {
    this.api = api;
    this.storage = storage;
    this.linkRound = linkRound;
    this.verifyBallots = verifyBallots;
    this.rng = rng;
    this.index = null;
    this.claimed = false;
    this.manifest = null;
    this.loaded = null;
    this.ids = null;
    this.record = null;
    this.progress = {};
    this.follower = null;
    this.ballots = new Map(); // round → {offset, checks, sums}
  }

  get path() {
    return `/api/rounds/${this.linkRound}/ceremony`;
  }

  /** Who the link is for, the ceremony state, and the secrets this device kept, if any. */
  async open() {
    const me = await this.api(`${this.path}/me`, { credential: true });
    this.index = me.trustee;
    this.claimed = me.claimed;
    const state = await this.api(this.path);
    this.manifest = state.manifest;
    this.loaded = loadManifest(state.manifest);
    const meeting = this.manifest.meeting?.id || this.loaded.hashHex.slice(0, 16);
    this.ids = {
      meeting, round: this.linkRound, index: this.index, manifestHash: this.loaded.hashHex,
    };
    const local = loadLocal(this.storage, this.ids);
    if (local) {
      this.record = local.record;
      this.progress = local.progress;
    }
    return state;
  }

  persist() {
    saveLocal(this.storage, this.record, this.progress);
  }

  get signingKeyHex() {
    return publicKeyHex(this.record.signingSeed);
  }

  /** This member's key fingerprint, as the projector shows it (§16). */
  get fingerprint() {
    return memberFingerprint(this.signingKeyHex);
  }

  sign(type, body) {
    return signMessage(this.record.signingSeed, {
      manifestHash: this.loaded.hashHex, trustee: this.index, type, body,
    });
  }

  post(what, message) {
    return this.api(`${this.path}/${what}`, { method: 'POST', body: message, credential: true });
  }

  /** Make the member's key on this device, keep it, pin the server's key, claim the link. */
  async makeKey() {
    const first = await this.api('/api/log?from=0&limit=1');
    const serverKey = pinnedKey(first.entries?.[0]);
    const { secrets, announcement } = makeTrustee({ manifest: this.loaded, index: this.index, rng: this.rng });
    this.record = recordFromTrustee({ ...this.ids, serverKey }, secrets);
    this.progress = { announcement };
    this.persist(); // before anything depending on it leaves the device
    await this.claim();
  }

  async claim() {
    try {
      await this.post('claim', this.sign('claim', { signing_key: this.signingKeyHex }));
    } catch (error) {
      if (error?.code === 'link_claimed') throw new MemberFailure('link_claimed', this.index);
      throw error;
    }
    this.claimed = true;
  }

  /** This device has no key for a link another device claimed: the alarm (once). */
  async raiseAlarm() {
    if (this.progress.alarmed) return;
    await this.api(`${this.path}/alarm`, { method: 'POST', body: {}, credential: true });
    this.progress.alarmed = true;
  }

  /** Take the secrets of a decrypted backup; the link is claimed again with the same key (the
   * alarm this new phone raised is cleared). */
  async restore(record) {
    const { ids } = this;
    if (record.index !== ids.index || record.round !== ids.round || record.manifestHash !== ids.manifestHash) {
      const failure = new MemberFailure('other_backup', record.index);
      failure.round = record.round;
      throw failure;
    }
    this.record = record;
    this.progress = { backedUp: true };
    this.persist();
    await this.claim();
  }

  markBackedUp() {
    this.progress.backedUp = true;
    this.persist();
  }

  secrets() {
    const { record } = this;
    return {
      index: record.index,
      coefficients: record.coefficients,
      encryptionSecret: record.encryptionSecret,
      signingSeed: record.signingSeed,
    };
  }

  // ---- the ceremony -------------------------------------------------------------------------

  /**
   * Do whatever the ceremony allows now. Returns `{stage, …}`: `backup` (save the backup before
   * announcing), `waiting-announcements` {n, total}, `waiting-shares` {n, total},
   * `waiting-reveal` {accused}, `confirm-projector` {fingerprint} (ask the member),
   * `waiting-confirmations` {n, total}, `published`, `abandoned`. Throws `MemberFailure`.
   * @param {object} state - GET /ceremony
   */
  async step(state) {
    if (state.phase !== 'ceremony') return this.afterCeremony(state);
    const total = state.trustees.length;
    const me = state.trustees[this.index - 1];
    if (me.signing_key !== this.signingKeyHex) throw new MemberFailure('not_mine', this.index);
    const secrets = this.secrets();
    if (!me.announcement) {
      if (!this.progress.backedUp) return { stage: 'backup' };
      if (!this.progress.announcement || !sameKeys(this.progress.announcement, secrets)) {
        this.progress.announcement = announceSecrets({ manifest: this.loaded, secrets, rng: this.rng });
        this.persist();
      }
      await this.post('announcement', this.sign('announcement', { announcement: this.progress.announcement }));
      const n = state.trustees.filter((t) => t.announcement).length + 1;
      return { stage: 'waiting-announcements', n, total };
    }
    if (!sameKeys(me.announcement, secrets)) throw new MemberFailure('not_mine', this.index);
    const announcedCount = state.trustees.filter((t) => t.announcement).length;
    if (announcedCount < total) return { stage: 'waiting-announcements', n: announcedCount, total };
    const announced = this.verifiedAnnouncements(state);
    await this.answerComplaints(state, secrets);
    if (!me.shares_sent) {
      const shares = makeEncryptedShares({
        manifest: this.loaded, secrets, announcements: [...announced.values()], rng: this.rng,
      });
      await this.post('shares', this.sign('shares', { shares }));
    }
    if (this.record.secretShare == null) {
      const opened = await this.openShares(state, announced, secrets);
      if (opened.stage) return opened;
      this.keepSecretShare(announced, opened.values);
    }
    const lost = state.complaints.find((c) => c.outcome === 'share-invalid');
    if (lost) throw new MemberFailure('dispute_lost', lost.accused);
    if (me.confirmed) {
      return { stage: 'waiting-confirmations', n: state.trustees.filter((t) => t.confirmed).length, total };
    }
    return { stage: 'confirm-projector', fingerprint: this.fingerprint };
  }

  /** The member saw their fingerprint on the projector: confirm the election this device
   * computed from the signed announcements. Returns whether it is now published. */
  async confirm(state) {
    const announced = this.verifiedAnnouncements(state);
    const election = loadElection(this.loaded, makeElection(this.loaded, [...announced.values()]));
    const answer = await this.post('confirm', this.sign('confirmation', { election: election.fingerprintHex }));
    return Boolean(answer.published);
  }

  /** Member `index`'s key, from their own signed claim (never from the server's word). */
  keyOf(state, index) {
    const claim = state.trustees[index - 1]?.messages?.claim;
    try {
      const message = loadMessage(claim, { manifestHash: this.loaded.hashHex, trustee: index, type: 'claim' });
      verifyMessage(message, message.body.signing_key);
      return message.body.signing_key;
    } catch {
      throw new MemberFailure('bad_announcement', index);
    }
  }

  verifiedAnnouncements(state) {
    const found = new Map();
    for (const trustee of state.trustees) {
      const { index } = trustee;
      try {
        const key = this.keyOf(state, index);
        const signed = loadMessage(trustee.messages?.announcement, {
          manifestHash: this.loaded.hashHex, trustee: index, type: 'announcement',
        });
        verifyMessage(signed, key);
        const loaded = verifyAnnouncement({ manifest: this.loaded, announcement: signed.body.announcement });
        if (loaded.index !== index || bytesToHex(loaded.signingKey) !== key) throw new Error('not this member');
        found.set(index, loaded);
      } catch (error) {
        if (error instanceof MemberFailure) throw error;
        throw new MemberFailure('bad_announcement', index, String(error?.message ?? error));
      }
    }
    return found;
  }

  /** Publish the disputed share for each complaint against this member (§14.3). */
  async answerComplaints(state, secrets) {
    for (const complaint of state.complaints) {
      if (complaint.accused !== this.index || complaint.reveal) continue;
      const accuser = complaint.accuser;
      try {
        const signed = loadMessage(complaint.message, {
          manifestHash: this.loaded.hashHex, trustee: accuser, type: 'complaint',
        });
        verifyMessage(signed, this.keyOf(state, accuser));
      } catch {
        continue; // not really from that member: nothing to answer
      }
      const value = scalarToHex(evaluatePolynomial(secrets.coefficients, accuser));
      await this.post('reveal', this.sign('reveal', { recipient: accuser, value }));
    }
  }

  async openShares(state, announced, secrets) {
    const messages = new Map((await this.api(`${this.path}/shares`)).map((m) => [m?.trustee, m]));
    const values = [];
    let waiting = null;
    const others = [...announced.keys()].filter((i) => i !== this.index).sort((a, b) => a - b);
    for (const sender of others) {
      if (!messages.has(sender)) {
        return { stage: 'waiting-shares', n: others.filter((i) => messages.has(i)).length, total: others.length };
      }
      const share = this.shareFrom(state, sender, messages.get(sender));
      try {
        values.push(openShare({ manifest: this.loaded, secrets, share, sender: announced.get(sender) }));
        continue;
      } catch (error) {
        if (!(error instanceof TallyError)) throw error;
        const settled = await this.dispute(state, announced, sender, error.check);
        if (settled === null) waiting = { stage: 'waiting-reveal', accused: sender };
        else values.push(settled);
      }
    }
    return waiting ?? { values };
  }

  /** The share `sender` signed for this member; a signature that fails blames the relay. */
  shareFrom(state, sender, data) {
    try {
      const signed = loadMessage(data, { manifestHash: this.loaded.hashHex, trustee: sender, type: 'shares' });
      verifyMessage(signed, this.keyOf(state, sender));
      const mine = signed.body.shares.find((s) => s?.recipient === this.index);
      loadShare(mine);
      return mine;
    } catch (error) {
      if (error instanceof MemberFailure && error.reason !== 'bad_announcement') throw error;
      throw new MemberFailure('relay', sender);
    }
  }

  async dispute(state, announced, sender, check) {
    const complaint = state.complaints.find((c) => c.accuser === this.index && c.accused === sender);
    if (!complaint) {
      const reason = ['decryption', 'scalar', 'commitments'].includes(check) ? check : 'decryption';
      await this.post('complaint', this.sign('complaint', { accused: sender, check: reason }));
      this.progress.complaint = { accused: sender, check: reason };
      this.persist();
      return null;
    }
    if (!complaint.reveal) return null;
    try {
      const reveal = loadMessage(complaint.reveal, {
        manifestHash: this.loaded.hashHex, trustee: sender, type: 'reveal',
      });
      verifyMessage(reveal, this.keyOf(state, sender));
      return checkRevealedShare(announced.get(sender), this.index, reveal.body.value);
    } catch {
      throw new MemberFailure('dispute_lost', sender);
    }
  }

  keepSecretShare(announced, values) {
    const secretShare = combineSecretShare(this.secrets(), values);
    if (pointToHex(baseMul(secretShare)) !== publicShareFromAnnouncements([...announced.values()], this.index)) {
      throw new MemberFailure('share_mismatch', this.index);
    }
    this.record = withSecretShare(this.record, secretShare);
    this.persist();
  }

  /** Once published: recompute sⱼ if restored from a backup made before the shares, then keep
   * only sⱼ and the keys. */
  async afterCeremony(state) {
    if (state.phase === 'abandoned') return { stage: 'abandoned' };
    if (this.record.secretShare == null) {
      const announced = this.verifiedAnnouncements(state);
      const opened = await this.openShares(state, announced, this.secrets());
      if (!opened.values) throw new MemberFailure('no_key', this.index);
      this.keepSecretShare(announced, opened.values);
    }
    if (this.record.coefficients) {
      this.record = withoutCeremonySecrets(this.record);
      this.persist();
    }
    return { stage: 'published' };
  }

  // ---- before decrypting (§15) ----------------------------------------------------------------

  /** Fetch what is new in the log (and the last known event again) and verify it. */
  async refreshLog() {
    this.follower ??= new LogFollower(this.record.serverKey);
    for (;;) {
      const start = Math.max(this.follower.entries.length - 1, 0);
      const page = await this.api(`/api/log?from=${start}&limit=${LOG_PAGE}`);
      this.follower.extend(page.entries, start);
      if (this.follower.entries.length >= page.count || page.entries.length === 0) return this.follower.events;
    }
  }

  /** The rounds this member's keys may decrypt, from the verified log; follow the last. */
  async rounds() {
    return followableRounds(await this.refreshLog(), this.record.round);
  }

  /**
   * Verify the round's ballots served so far (as they arrive, during voting too).
   * @param {number} number
   * @param {(done: number, total: number) => void} [onProgress]
   */
  async verifyArrived(number, onProgress) {
    const events = this.follower ? this.follower.events : await this.refreshLog();
    const keys = electionOfRound(events, number);
    if (!keys) return;
    const held = this.ballots.get(number) ?? { offset: 0, checks: [], sums: [] };
    this.ballots.set(number, held);
    for (;;) {
      const page = await this.api(`/api/rounds/${number}/ballots?offset=${held.offset}&limit=${BALLOT_PAGE}`);
      if (page.ballots.length) {
        const done = held.checks.length;
        const result = await this.verifyBallots(keys.manifest, keys.election, page.ballots,
          (n) => onProgress?.(done + n, page.total));
        held.checks.push(...result.checks);
        held.sums.push(...result.sums);
        held.offset += page.ballots.length;
      }
      onProgress?.(held.checks.length, page.total);
      if (held.offset >= page.total || page.ballots.length === 0) return;
    }
  }

  /**
   * Every check of §15 for a closed round; throws `DecryptionRefused` naming the reason.
   * @returns {Promise<{number, context, aggregate, ballots, tokens, overrideReason}>}
   */
  async checkRound(number, onProgress) {
    let started = performance.now();
    const events = await this.refreshLog();
    const plan = planRound(events, {
      number, keyRound: this.record.round, index: this.index, signingKey: this.signingKeyHex,
    });
    let mainMs = performance.now() - started;
    await this.verifyArrived(number, onProgress);
    started = performance.now();
    const held = this.ballots.get(number) ?? { checks: [], sums: [] };
    try {
      return finishRound(plan, held.checks, addSums(plan.context, held.sums));
    } finally {
      mainMs += performance.now() - started;
      this.checkMainMs = mainMs; // this thread's part (log, plan, sum), network waits excluded
    }
  }

  /** This member's decryption share of the aggregate the device recomputed; true once the
   * count is complete. */
  async decrypt(checked) {
    const { context } = checked;
    if (this.record.secretShare == null) throw new MemberFailure('no_key', this.index);
    if (pointToHex(baseMul(this.record.secretShare)) !== pointToHex(publicShare(context, this.index))) {
      throw new MemberFailure('wrong_key', this.index);
    }
    const share = makeDecryptionShare({
      context, index: this.index, secretShare: this.record.secretShare, aggregate: checked.aggregate, rng: this.rng,
    });
    let counted = false;
    try {
      counted = (await this.api(`/api/rounds/${checked.number}/decryption`, {
        method: 'POST', body: share, credential: true,
      })).counted;
    } catch (error) {
      if (!(error?.status === 409 && error.code === 'counted')) throw error;
      counted = true;
    }
    this.progress.rounds ??= {};
    this.progress.rounds[checked.number] = { decrypted: true };
    this.persist();
    return counted;
  }

  /** What a minute must agree with (minute.mjs `checkMinute`): this member's key, and the
   * election of the round followed, from the verified log. */
  async minuteExpectations(number) {
    const events = await this.refreshLog();
    const published = events.find((e) => e.type === 'election-published' && e.body?.round === number);
    return {
      index: this.index,
      signingSeed: this.record.signingSeed,
      round: number,
      fingerprint: published?.body?.fingerprint,
    };
  }
}

