/**
 * The signed, hash-chained event log (PROTOCOL.md §10), read by a committee device: mirror of
 * `verify_log` (`tally/eventlog.py`) and of `LogFollower` (`tally/round_check.py`).
 *
 * Event n is {"version": 1, "kind": "phieukin/event", "seq": n, "prev", "type", "body"}; its
 * hash is H32("event", canonical(event)) and the server signs it (purpose "event"). A device
 * checks the log from event 0 under the server key it pinned when it claimed its link, keeps
 * what it verified, and later checks only what is new — refusing a log whose verified prefix
 * changed.
 */

import { DecryptionRefused } from './errors.mjs';
import { bytesToHex, canonicalBytes, hexToBytes } from './encoding.mjs';
import { H32 } from './hashing.mjs';
import { isObject } from './objects.mjs';
import { signingKeyFromHex, verifySignature } from './signatures.mjs';

export const EVENT_KIND = 'phieukin/event';
const GENESIS = '0'.repeat(64);
const ENTRY_KEYS = ['event', 'hash', 'signature'];

/**
 * H32("event", canonical(event)) as 64 hex characters.
 * @param {object} event
 * @returns {string}
 */
export function eventHash(event) {
  return bytesToHex(H32('event', canonicalBytes(event)));
}

const refuse = (check, subject, detail) => new DecryptionRefused(check, subject, detail);

/**
 * Check entries of the log from position `start`, the entry before them having hash
 * `previous`; throws `DecryptionRefused` with the first finding (`log.shape`, `log.format`,
 * `log.sequence`, `log.chain`, `log.hash`, `log.signature`).
 * @param {unknown[]} entries
 * @param {Uint8Array} serverKey
 * @param {{start?: number, previous?: string}} [options]
 */
export function verifyLog(entries, serverKey, { start = 0, previous = GENESIS } = {}) {
  let prev = previous;
  entries.forEach((entry, offset) => {
    const position = start + offset;
    const subject = `event ${position}`;
    if (!isObject(entry) || Object.keys(entry).sort().join() !== ENTRY_KEYS.join()) {
      throw refuse('log.shape', subject, 'expected event, hash and signature');
    }
    const { event } = entry;
    let digest;
    try {
      if (!isObject(event) || event.version !== 1 || event.kind !== EVENT_KIND) throw new Error('header');
      digest = eventHash(event);
    } catch (error) {
      throw refuse('log.format', subject, String(error?.message ?? error));
    }
    if (event.seq !== position) throw refuse('log.sequence', subject, `seq is ${event.seq}`);
    if (event.prev !== prev) throw refuse('log.chain', subject, "prev is not the previous event's hash");
    if (entry.hash !== digest) throw refuse('log.hash', subject, 'hash does not match the event');
    try {
      verifySignature(serverKey, 'event', hexToBytes(digest), entry.signature, subject);
    } catch {
      throw refuse('log.signature', subject, 'server signature does not verify');
    }
    prev = digest;
  });
}

/**
 * The server key to pin, from event 0 (`log-opened`), after checking its signature.
 * @param {unknown} firstEntry
 * @returns {string} 64 hex
 */
export function pinnedKey(firstEntry) {
  const event = isObject(firstEntry) && isObject(firstEntry.event) ? firstEntry.event : {};
  const body = isObject(event.body) ? event.body : {};
  let key;
  try {
    key = signingKeyFromHex(body.server_key, 'event 0 server_key');
    verifyLog([firstEntry], key);
  } catch {
    throw refuse('log.server-key', 'event 0', 'event 0 is not a signed log-opened');
  }
  if (event.type !== 'log-opened') throw refuse('log.server-key', 'event 0', 'event 0 is not log-opened');
  return body.server_key;
}

/** The log as far as this device has verified it, from event 0 under the pinned key. */
export class LogFollower {
  /**
   * @param {string} serverKeyHex - the pinned key
   * @param {object[]} [entries] - entries verified before (kept by the device)
   */
  constructor(serverKeyHex, entries = []) {
    this.serverKeyHex = serverKeyHex;
    this.serverKey = hexToBytes(serverKeyHex);
    this.entries = [...entries];
  }

  /**
   * Add the log from event `start` on: what was verified before must be unchanged
   * (`log.rewritten`), what is new is checked link by link.
   * @param {unknown[]} entries
   * @param {number} [start]
   */
  extend(entries, start = 0) {
    if (!Number.isSafeInteger(start) || start < 0 || start > this.entries.length) {
      throw refuse('log.sequence', `event ${start}`, 'a gap after what was verified');
    }
    const known = Math.min(this.entries.length - start, entries.length);
    for (let offset = 0; offset < known; offset += 1) {
      if (this.entries[start + offset].hash !== entries[offset]?.hash
          || canonicalOrNull(this.entries[start + offset]) !== canonicalOrNull(entries[offset])) {
        throw refuse('log.rewritten', `event ${start + offset}`);
      }
    }
    const fresh = entries.slice(known);
    const first = start + known;
    if (first === 0 && fresh.length) {
      const event = isObject(fresh[0]) && isObject(fresh[0].event) ? fresh[0].event : {};
      if (event.type !== 'log-opened' || event.body?.server_key !== this.serverKeyHex) {
        throw refuse('log.server-key', 'event 0', 'not the server key this device pinned');
      }
    }
    const previous = first ? this.entries[first - 1].hash : GENESIS;
    verifyLog(fresh, this.serverKey, { start: first, previous });
    this.entries.push(...fresh);
  }

  /** @returns {object[]} the verified events, in order */
  get events() {
    return this.entries.map((entry) => entry.event);
  }
}

function canonicalOrNull(value) {
  try {
    return new TextDecoder().decode(canonicalBytes(value));
  } catch {
    return null;
  }
}
