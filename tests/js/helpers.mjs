/**
 * Shared fixtures for the JavaScript core tests: a small manifest and a full key ceremony run
 * with the deterministic test RNG.
 */

import {
  combineSecretShare, loadElection, loadManifest, makeElection, makeEncryptedShares, makeTrustee,
  openShare, testRng, verifyAnnouncement,
} from '../../ballot_client/js/index.mjs';

/**
 * A manifest with `questions` questions of four rating options (the first one allowing a
 * blank answer when `blank` is set) and a committee of `n` with threshold `t`.
 * @returns {object}
 */
export function makeManifest({ questions = 2, t = 2, n = 3, blank = true } = {}) {
  return {
    version: 1,
    kind: 'phieukin/manifest',
    meeting: { id: 'cb-2026-12', title: 'Họp chi bộ tháng 12', cell: 'Chi bộ 1', date: '2026-12-15', place: 'Hội trường' },
    round: 1,
    questions: Array.from({ length: questions }, (_, q) => ({
      id: `q${String(q + 1).padStart(2, '0')}`,
      title: `Đảng viên ${q + 1}`,
      options: ['XS', 'TOT', 'HT', 'KHT'],
      min_selections: blank && q === 0 ? 0 : 1,
      max_selections: 1,
    })),
    committee: {
      threshold: t,
      members: Array.from({ length: n }, (_, i) => ({ index: i + 1, name: `Ủy viên ${i + 1}` })),
    },
  };
}

/**
 * Run the whole ceremony in memory: announcements, verified; shares, opened; secret shares.
 * @returns {{manifest: object, election: object, context: object, trustees: object[], announcements: object[], secretShares: Map<number, bigint>, shares: object[]}}
 */
export function runCeremony(manifest, seedPrefix = 'ceremony') {
  const loaded = loadManifest(manifest);
  const trustees = [];
  const rngs = new Map();
  for (let i = 1; i <= loaded.committeeSize; i++) {
    const rng = testRng(`${seedPrefix}-${i}`);
    rngs.set(i, rng);
    trustees.push(makeTrustee({ manifest, index: i, rng }));
  }
  const announcements = trustees.map((t) => verifyAnnouncement({ manifest, announcement: t.announcement }));
  const shares = trustees.flatMap((t) => makeEncryptedShares({
    manifest, secrets: t.secrets, announcements, rng: rngs.get(t.secrets.index),
  }));
  const secretShares = new Map();
  for (const trustee of trustees) {
    const j = trustee.secrets.index;
    const received = shares
      .filter((s) => s.recipient === j)
      .map((share) => openShare({ manifest, secrets: trustee.secrets, share, sender: announcements[share.sender - 1] }));
    secretShares.set(j, combineSecretShare(trustee.secrets, received));
  }
  const election = makeElection(manifest, announcements);
  return { manifest, election, context: loadElection(manifest, election), trustees, announcements, secretShares, shares };
}
