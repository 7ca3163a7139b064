/**
 * Drives the browser's committee client (ballot_client/js/committee.mjs) from a Python test,
 * against a real server, one action per run: the page's code without the page.
 *
 * Reads {base, credential, round, action, storage, number?} on standard input; `storage` is the
 * member's localStorage as an object, carried between runs. Prints {storage, result} — or
 * {storage, failure: reason, member} for a MemberFailure, {storage, refused: check, subject} for
 * a DecryptionRefused. Actions: "open" (who, claimed), "make-key", "backed-up", "step",
 * "confirm", "rounds", "check" (round `number`), "decrypt" (check, then decrypt).
 */
import { CommitteeClient, MemberFailure } from '../../ballot_client/js/committee.mjs';
import { DecryptionRefused } from '../../ballot_client/js/errors.mjs';

class MemoryStorage {
  constructor(items = {}) {
    this.items = new Map(Object.entries(items));
  }

  getItem(key) {
    return this.items.has(key) ? this.items.get(key) : null;
  }

  setItem(key, value) {
    this.items.set(key, String(value));
  }

  removeItem(key) {
    this.items.delete(key);
  }
}

let text = '';
for await (const chunk of process.stdin) text += chunk;
const input = JSON.parse(text);
const storage = new MemoryStorage(input.storage ?? {});

async function api(path, { method = 'GET', body, credential = false } = {}) {
  const headers = { Accept: 'application/json' };
  if (credential) headers['X-Committee-Credential'] = input.credential;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(input.base + path, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    const error = new Error(data?.message_en ?? `HTTP ${response.status}`);
    error.status = response.status;
    error.code = data?.error;
    throw error;
  }
  return data;
}

const client = new CommitteeClient({ api, storage, linkRound: input.round });
const answer = {};
try {
  let state = await client.open();
  const actions = {
    open: async () => ({ index: client.index, claimed: client.claimed, keyed: Boolean(client.record) }),
    'make-key': async () => client.makeKey().then(() => ({ fingerprint: client.fingerprint })),
    'backed-up': async () => client.markBackedUp(),
    step: async () => client.step(state),
    confirm: async () => {
      await client.step(state);
      state = await api(client.path);
      return { published: await client.confirm(state) };
    },
    rounds: async () => client.rounds(),
    check: async () => {
      const checked = await client.checkRound(input.number);
      return { ballots: checked.ballots, tokens: checked.tokens, override: checked.overrideReason };
    },
    decrypt: async () => ({ counted: await client.decrypt(await client.checkRound(input.number)) }),
  };
  answer.result = (await actions[input.action]()) ?? null;
} catch (error) {
  if (error instanceof MemberFailure) {
    answer.failure = error.reason;
    answer.member = error.member;
  } else if (error instanceof DecryptionRefused) {
    answer.refused = error.check;
    answer.subject = error.subject;
  } else {
    answer.error = String(error?.stack ?? error);
  }
}
answer.storage = Object.fromEntries(storage.items);
console.log(JSON.stringify(answer));
