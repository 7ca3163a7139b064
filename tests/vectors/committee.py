"""A whole key ceremony among simulated committee members, from the deterministic nonce streams
of PROTOCOL.md §12 (one stream per member, drawn in the order §12 gives): for the vectors and
the example record."""

from __future__ import annotations

from dataclasses import dataclass

from tally.crypto import ceremony
from tally.crypto.group import RISTRETTO255
from tally.crypto.nonces import TestNonces
from tally.manifest import ElectionContext, Manifest

GROUP = RISTRETTO255


@dataclass
class Ceremony:
    """What each member made, sent and ended with, and the election."""

    made: dict[int, tuple[ceremony.TrusteeSecrets, ceremony.Announcement]]
    sent: dict[int, list[ceremony.EncryptedShare]]
    secret_shares: dict[int, int]
    context: ElectionContext


def simulate_ceremony(manifest: Manifest, stream_prefix: str = "trustee") -> Ceremony:
    """Member ``i`` draws from the stream ``"<stream_prefix>-<i>"``."""
    manifest_hash = manifest.hash
    t, n = manifest.threshold, manifest.committee_size
    streams = {i: TestNonces(f"{stream_prefix}-{i}") for i in range(1, n + 1)}
    made = {i: ceremony.make_trustee(GROUP, manifest_hash, i, t, streams[i]) for i in streams}
    sent: dict[int, list[ceremony.EncryptedShare]] = {}
    for i, (secrets, _) in made.items():
        sent[i] = [
            ceremony.make_encrypted_share(GROUP, manifest_hash, secrets, made[j][1], streams[i])
            for j in sorted(made)
            if j != i
        ]
    secret_shares = {}
    for j, (secrets, _) in made.items():
        received = {j: ceremony.evaluate_polynomial(GROUP, secrets.coefficients, j)}
        for i in made:
            if i != j:
                share = next(s for s in sent[i] if s.recipient == j)
                received[i] = ceremony.open_share(GROUP, manifest_hash, secrets, share, made[i][1])
        secret_shares[j] = ceremony.combine_secret_share(GROUP, received)
    announcements = [made[i][1] for i in sorted(made)]
    context = ElectionContext.from_announcements(GROUP, manifest, announcements)
    return Ceremony(made, sent, secret_shares, context)
