"""Ballot submissions that prove possession of the token without revealing it (PROTOCOL.md §6.1).

The phone sends ``{"ballot", "token_key", "signature"}``: the token's public key (whose hash is
the ballot's ``token_hash``) and an Ed25519 signature, with the token's signing key, on the
ballot's tracker for the purpose ``ballot``. Nothing in it lets an eavesdropper vote: the
signature covers only this ballot, which the server accepts once.
"""

from __future__ import annotations

from typing import Any

from tally.ballot import tracker
from tally.canonical import strict_hex
from tally.crypto.signatures import sign, verify_key_from_hex, verify_signature
from tally.errors import InvalidBallot
from tally.token import key_token_hash, token_signing_key

SUBMISSION_PURPOSE = "ballot"


def make_submission(token: str, ballot: dict[str, Any]) -> dict[str, Any]:
    """The body the phone posts: the ballot, the token's public key and its signature."""
    key = token_signing_key(token)
    return {
        "ballot": ballot,
        "token_key": key.verify_key.encode().hex(),
        "signature": sign(key, SUBMISSION_PURPOSE, tracker(ballot)).hex(),
    }


def submission_token_hash(token_key: object) -> bytes:
    """``H32("token", token_key)`` for a received key given as 64 lowercase hex characters
    (raises ``FormatError``); cheap, so the server can look the token up first."""
    return key_token_hash(strict_hex(token_key, 32, "token_key"))


def verify_possession(
    token_hash: bytes, token_key: object, signature: object, ballot_tracker: bytes, subject: str
) -> None:
    """Check that ``token_key`` is a valid Ed25519 key hashing to ``token_hash`` and that
    ``signature`` signs ``ballot_tracker`` under it; raise ``InvalidBallot`` (check
    ``token_hash``), ``InvalidPoint`` or ``InvalidSignature``."""
    key = verify_key_from_hex(token_key, f"{subject}.token_key")
    if key_token_hash(key.encode()) != token_hash:
        raise InvalidBallot("token_hash", subject, "the token key is not the ballot's token")
    verify_signature(key, SUBMISSION_PURPOSE, ballot_tracker, signature, subject)
