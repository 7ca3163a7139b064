/**
 * A command-line bridge to the browser core for the Python interoperability tests.
 *
 * Reads one JSON request from standard input, runs it with fresh randomness, and prints one JSON
 * answer. Errors are answered as {"error": message, "check": …} so Python can assert on them.
 */
import {
  combineDecryptionShares, encryptBallot, makeDecryptionShare, makeElection,
  makeEncryptedShares, makeTrustee, openShare, combineSecretShare, scalarFromHex, scalarToHex,
  verifyAnnouncement, verifyBallot, verifyDecryptionShare,
} from '../../ballot_client/js/index.mjs';

function ceremony({ manifest }) {
  const n = manifest.committee.members.length;
  const made = Array.from({ length: n }, (_, i) => makeTrustee({ manifest, index: i + 1 }));
  const announcements = made.map((m) => m.announcement);
  const loaded = announcements.map((announcement) => verifyAnnouncement({ manifest, announcement }));
  const sent = made.flatMap((m) => makeEncryptedShares({
    manifest, secrets: m.secrets, announcements: loaded,
  }));
  const secretShares = {};
  for (const m of made) {
    const received = sent
      .filter((share) => share.recipient === m.secrets.index)
      .map((share) => openShare({
        manifest, secrets: m.secrets, share, sender: loaded[share.sender - 1],
      }));
    secretShares[m.secrets.index] = scalarToHex(combineSecretShare(m.secrets, received));
  }
  return {
    announcements, shares: sent, secret_shares: secretShares,
    election: makeElection(manifest, loaded),
  };
}

const operations = {
  ceremony,
  encrypt: ({ manifest, election, token_hash: tokenHash, choices }) => encryptBallot({
    manifest, election, tokenHash, choices,
  }),
  verify_ballot: ({ manifest, election, ballot }) => {
    verifyBallot({ manifest, election, ballot });
    return { ok: true };
  },
  decrypt: ({ manifest, election, aggregate, trustee, secret_share: secret }) => makeDecryptionShare({
    manifest, election, aggregate, index: trustee, secretShare: scalarFromHex(secret),
  }),
  verify_share: ({ manifest, election, aggregate, share }) => {
    verifyDecryptionShare({ manifest, election, aggregate, share });
    return { ok: true };
  },
  combine: ({ manifest, election, aggregate, shares }) => ({
    counts: combineDecryptionShares({ manifest, election, aggregate, shares }),
  }),
};

let input = '';
for await (const chunk of process.stdin) input += chunk;
const request = JSON.parse(input);
let answer;
try {
  answer = operations[request.op](request);
} catch (error) {
  answer = { error: String(error.message ?? error), check: error.check ?? null, name: error.name };
}
process.stdout.write(JSON.stringify(answer));
