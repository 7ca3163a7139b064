"""Shared fixtures: a small election made by a real key ceremony with deterministic nonces.

Everything here is built once per session from ``TestNonces`` streams, so the suite is fast and
every run sees the same keys, ballots and shares. Fixtures that tests may mutate hand out deep
copies; the session objects themselves are never changed.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pytest

from tally.crypto import ceremony
from tally.crypto.ceremony import Announcement, EncryptedShare, TrusteeSecrets
from tally.crypto.group import RISTRETTO255, Ristretto255
from tally.crypto.nonces import TestNonces
from tally.manifest import ElectionContext, Manifest
from tally.token import token_hash

GROUP = RISTRETTO255
TOKEN = "000G40R40M30E209185GR38E1W"  # base32_encode(bytes(range(16)))
OTHER_TOKEN = "0123456789ABCDEFGHJKMNPQR0"


def manifest_json(
    *, threshold: int = 2, members: int = 3, meeting: str = "cb-2026-12"
) -> dict[str, Any]:
    """A 3-question manifest: exactly one of 4, at most one of 4 (blank allowed), one of 2."""
    return {
        "version": 1,
        "kind": "phieukin/manifest",
        "meeting": {"id": meeting, "title": "Họp chi bộ tháng 12", "date": "2026-12-15"},
        "round": 1,
        "questions": [
            {
                "id": "q01",
                "title": "Nguyễn Văn An",
                "options": ["XS", "TOT", "HT", "KHT"],
                "min_selections": 1,
                "max_selections": 1,
            },
            {
                "id": "q02",
                "title": "Trần Thị Bình",
                "options": ["XS", "TOT", "HT", "KHT"],
                "min_selections": 0,
                "max_selections": 1,
            },
            {
                "id": "q03",
                "title": "Lê Văn Cường",
                "options": ["Đồng ý", "Không đồng ý"],
                "min_selections": 1,
                "max_selections": 1,
            },
        ],
        "committee": {
            "threshold": threshold,
            "members": [{"index": i, "name": f"Ủy viên {i}"} for i in range(1, members + 1)],
        },
    }


@dataclass(frozen=True)
class Ceremony:
    """Everything a finished t-of-n key ceremony leaves behind (secrets included, for tests)."""

    manifest: Manifest
    secrets: dict[int, TrusteeSecrets]
    announcements: dict[int, Announcement]
    shares: dict[tuple[int, int], EncryptedShare]  # (sender, recipient) -> encrypted Pᵢ(j)
    secret_shares: dict[int, int]  # j -> sⱼ
    context: ElectionContext

    @property
    def group(self) -> Ristretto255:
        return self.context.group

    @property
    def threshold(self) -> int:
        return self.manifest.threshold

    @property
    def indices(self) -> list[int]:
        return sorted(self.secrets)


def run_ceremony(manifest: Manifest, seed: str = "ceremony") -> Ceremony:
    """Run the whole ceremony as PROTOCOL.md §5 describes, through JSON at every hand-over."""
    t, n, mh = manifest.threshold, manifest.committee_size, manifest.hash
    streams = {i: TestNonces(f"{seed}/trustee-{i}") for i in range(1, n + 1)}
    secrets, announcements = {}, {}
    for i in range(1, n + 1):
        secret, announcement = ceremony.make_trustee(GROUP, mh, i, t, streams[i])
        announcement = Announcement.from_json(GROUP, announcement.to_json(), t)
        ceremony.verify_announcement(GROUP, mh, announcement, t)
        secrets[i], announcements[i] = secret, announcement
    shares = {}
    for i in range(1, n + 1):
        for j in range(1, n + 1):
            if i != j:
                share = ceremony.make_encrypted_share(
                    GROUP, mh, secrets[i], announcements[j], streams[i]
                )
                shares[i, j] = EncryptedShare.from_json(GROUP, share.to_json())
    secret_shares = {}
    for j in range(1, n + 1):
        received = {j: ceremony.evaluate_polynomial(GROUP, secrets[j].coefficients, j)}
        for i in range(1, n + 1):
            if i != j:
                received[i] = ceremony.open_share(
                    GROUP, mh, secrets[j], shares[i, j], announcements[i]
                )
        secret_shares[j] = ceremony.combine_secret_share(GROUP, received)
    built = ElectionContext.from_announcements(GROUP, manifest, list(announcements.values()))
    context = ElectionContext.from_json(GROUP, manifest, copy.deepcopy(built.to_json()))
    return Ceremony(manifest, secrets, announcements, shares, secret_shares, context)


def subsets_of_at_least(indices: Sequence[int], size: int) -> list[tuple[int, ...]]:
    """Every subset of ``indices`` with at least ``size`` members."""
    return [
        combo for k in range(size, len(indices) + 1) for combo in itertools.combinations(indices, k)
    ]


@pytest.fixture(scope="session")
def group() -> Ristretto255:
    return GROUP


@pytest.fixture(scope="session")
def manifest() -> Manifest:
    return Manifest.from_json(manifest_json())


@pytest.fixture(scope="session")
def election(manifest: Manifest) -> Ceremony:
    """A 2-of-3 election over the 3-question manifest."""
    return run_ceremony(manifest)


@pytest.fixture(scope="session")
def election_3of3() -> Ceremony:
    """A 3-of-3 election over the same questions."""
    return run_ceremony(Manifest.from_json(manifest_json(threshold=3)), seed="ceremony-3of3")


@pytest.fixture(scope="session")
def context(election: Ceremony) -> ElectionContext:
    return election.context


@pytest.fixture(scope="session")
def voter_token_hash() -> bytes:
    return token_hash(TOKEN)


@pytest.fixture(scope="session")
def _honest_ballot(context: ElectionContext, voter_token_hash: bytes) -> dict[str, Any]:
    from tally.ballot import make_ballot

    return make_ballot(context, voter_token_hash, [1, None, 0], TestNonces("ballot"))


@pytest.fixture
def ballot_json(_honest_ballot: dict[str, Any]) -> dict[str, Any]:
    """A valid ballot (q01: TOT, q02: blank, q03: option 0); a fresh copy for each test."""
    return copy.deepcopy(_honest_ballot)
