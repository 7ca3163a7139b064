"""A committee member (trustee) as a Python program: the same steps the committee page runs.

Used by ``phieukin demo`` to simulate the committee, by tests, and later by ``phieukin trustee``
for a member with a laptop. The secrets live only in this object, never on the server.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from tally.aggregate import Aggregate
from tally.crypto import ceremony
from tally.crypto.group import Ristretto255
from tally.crypto.nonces import NonceSource, system_nonce
from tally.decryption import DecryptionShare, make_decryption_share
from tally.manifest import ElectionContext, Manifest


class Trustee:
    """One member of the vote-counting committee, from key generation to decryption."""

    def __init__(
        self,
        group: Ristretto255,
        manifest: Manifest,
        index: int,
        nonces: NonceSource = system_nonce,
    ) -> None:
        self.group = group
        self.manifest = manifest
        self.index = index
        self.nonces = nonces
        self.secrets, self.announcement = ceremony.make_trustee(
            group, manifest.hash, index, manifest.threshold, nonces
        )
        self.secret_share: int | None = None

    def shares_for(
        self, announcements: Sequence[ceremony.Announcement]
    ) -> list[ceremony.EncryptedShare]:
        """Verify the others' announcements, then encrypt one share to each of them."""
        for other in announcements:
            ceremony.verify_announcement(
                self.group, self.manifest.hash, other, self.manifest.threshold
            )
        return [
            ceremony.make_encrypted_share(
                self.group, self.manifest.hash, self.secrets, other, self.nonces
            )
            for other in sorted(announcements, key=lambda a: a.index)
            if other.index != self.index
        ]

    def receive(
        self,
        shares: Sequence[ceremony.EncryptedShare],
        announcements: Mapping[int, ceremony.Announcement],
    ) -> None:
        """Open and check every share addressed to this trustee; keep the secret share sⱼ."""
        own = ceremony.evaluate_polynomial(self.group, self.secrets.coefficients, self.index)
        received = {self.index: own}
        for share in shares:
            received[share.sender] = ceremony.open_share(
                self.group, self.manifest.hash, self.secrets, share, announcements[share.sender]
            )
        if len(received) != self.manifest.committee_size:
            raise ValueError("a share from every other committee member is needed")
        self.secret_share = ceremony.combine_secret_share(self.group, received)

    def decrypt(self, context: ElectionContext, aggregate: Aggregate) -> DecryptionShare:
        """This trustee's decryption share of the aggregate, with proofs."""
        if self.secret_share is None:
            raise RuntimeError("the key ceremony is not finished")
        return make_decryption_share(context, self.index, self.secret_share, aggregate, self.nonces)


def run_ceremony(
    group: Ristretto255, manifest: Manifest, nonces_for: Mapping[int, NonceSource] | None = None
) -> tuple[list[Trustee], ElectionContext]:
    """Run the whole key ceremony among simulated trustees; return them and the election."""
    trustees = [
        Trustee(group, manifest, i, (nonces_for or {}).get(i, system_nonce))
        for i in range(1, manifest.committee_size + 1)
    ]
    announcements = [t.announcement for t in trustees]
    by_index = {a.index: a for a in announcements}
    sent = [share for t in trustees for share in t.shares_for(announcements)]
    for trustee in trustees:
        trustee.receive([s for s in sent if s.recipient == trustee.index], by_index)
    return trustees, ElectionContext.from_announcements(group, manifest, announcements)
