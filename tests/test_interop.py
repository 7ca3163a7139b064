"""JavaScript ↔ Python interoperability with fresh randomness (not the fixed vectors).

The browser core runs under Node through ``tests/js/bridge.mjs``. A JS key ceremony gives an
election Python accepts; a JS ballot verifies in Python and a Python ballot in JS; JS decryption
shares combine in Python and Python shares in JS; and a tampered object is refused on both sides.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tally.aggregate import aggregate_ballots
from tally.ballot import make_ballot, verify_ballot
from tally.crypto import ceremony
from tally.crypto.group import RISTRETTO255 as GROUP
from tally.crypto.nonces import system_nonce
from tally.decryption import (
    DecryptionShare,
    combine_decryption_shares,
    make_decryption_share,
    verify_decryption_share,
)
from tally.errors import InvalidProof
from tally.manifest import ElectionContext, Manifest
from tally.token import generate_token, token_hash
from tests.conftest import run_ceremony
from tests.node_support import node_json

ROOT = Path(__file__).resolve().parent.parent
BRIDGE = ROOT / "tests" / "js" / "bridge.mjs"
MANIFEST = json.loads((ROOT / "tests" / "vectors" / "ceremony.json").read_text("utf-8"))["manifest"]
CHOICES = [[0, 1, None], [0, 3, 2], [2, 1, 0], [1, 1, None]]


def node(op: str, **request: Any) -> dict[str, Any]:
    return node_json([str(BRIDGE)], {"op": op, **request}, timeout=60)


@pytest.fixture(scope="module")
def js_election() -> tuple[dict[str, Any], ElectionContext, dict[int, int]]:
    """A key ceremony run entirely in JavaScript, checked step by step in Python."""
    manifest = Manifest.from_json(MANIFEST)
    answer = node("ceremony", manifest=MANIFEST)
    announcements = [
        ceremony.Announcement.from_json(GROUP, a, manifest.threshold)
        for a in answer["announcements"]
    ]
    for announcement in announcements:
        ceremony.verify_announcement(GROUP, manifest.hash, announcement, manifest.threshold)
    context = ElectionContext.from_announcements(GROUP, manifest, announcements)
    assert context.to_json() == answer["election"]
    secrets = {int(k): GROUP.scalar_from_hex(v) for k, v in answer["secret_shares"].items()}
    for index, secret in secrets.items():
        assert GROUP.base_mul(secret) == context.public_share(index)
    return answer, context, secrets


def test_js_ballots_verify_in_python_and_decrypt_with_js_shares(js_election) -> None:
    answer, context, secrets = js_election
    ballots = [
        node(
            "encrypt",
            manifest=MANIFEST,
            election=answer["election"],
            token_hash=token_hash(generate_token()).hex(),
            choices=choices,
        )
        for choices in CHOICES
    ]
    verified = [verify_ballot(context, ballot) for ballot in ballots]
    aggregate = aggregate_ballots(context, [v.ciphertexts for v in verified])
    aggregate_json = aggregate.to_json(context)
    js_shares = [
        node(
            "decrypt",
            manifest=MANIFEST,
            election=answer["election"],
            aggregate=aggregate_json,
            trustee=index,
            secret_share=GROUP.scalar_to_hex(secrets[index]),
        )
        for index in (2, 3)
    ]
    shares = [DecryptionShare.from_json(context, s) for s in js_shares]
    for share in shares:
        verify_decryption_share(context, share, aggregate)
    counts = combine_decryption_shares(context, aggregate, shares)
    assert counts == expected_counts()


def test_python_ballots_and_shares_verify_and_combine_in_js() -> None:
    manifest = Manifest.from_json(MANIFEST)
    keys = run_ceremony(manifest, seed="interop")
    context = keys.context
    ballots = [make_ballot(context, token_hash(generate_token()), c, system_nonce) for c in CHOICES]
    election = context.to_json()
    for ballot in ballots:
        assert node("verify_ballot", manifest=MANIFEST, election=election, ballot=ballot) == {
            "ok": True
        }
    aggregate = aggregate_ballots(context, [verify_ballot(context, b).ciphertexts for b in ballots])
    aggregate_json = aggregate.to_json(context)
    shares = [
        make_decryption_share(context, j, keys.secret_shares[j], aggregate, system_nonce).to_json(
            context
        )
        for j in (1, 2)
    ]
    for share in shares:
        assert node(
            "verify_share",
            manifest=MANIFEST,
            election=election,
            aggregate=aggregate_json,
            share=share,
        ) == {"ok": True}
    combined = node(
        "combine", manifest=MANIFEST, election=election, aggregate=aggregate_json, shares=shares
    )
    assert combined["counts"] == [list(row) for row in expected_counts()]


def test_tampering_is_refused_on_both_sides(js_election) -> None:
    answer, context, _ = js_election
    ballot = node(
        "encrypt",
        manifest=MANIFEST,
        election=answer["election"],
        token_hash=token_hash(generate_token()).hex(),
        choices=CHOICES[0],
    )
    # Move the ballot to another token: every proof hashes the token, so every proof fails.
    ballot["token_hash"] = token_hash(generate_token()).hex()
    with pytest.raises(InvalidProof) as refused:
        verify_ballot(context, ballot)
    assert refused.value.check == "challenge"
    js_answer = node("verify_ballot", manifest=MANIFEST, election=answer["election"], ballot=ballot)
    assert js_answer["check"] == "challenge"


def expected_counts() -> tuple[tuple[int, ...], ...]:
    return tuple(
        tuple(sum(1 for c in CHOICES if c[q] == option) for option in range(4)) for q in range(3)
    )
