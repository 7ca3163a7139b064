"""The committee's checks before decrypting (PROTOCOL.md §15), on the shared vectors.

Every case of ``tests/vectors/round_check.json`` is a signed log (an honest meeting, or one an
attacker controlling the laptop changed) and the ballots a server serves; the Python checks
must name the reason the vector names — the JavaScript checks (tests/js/round_check.test.mjs)
are held to the same cases. Then the log follower's incremental checks and the small-round rule.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from tally.crypto.group import RISTRETTO255
from tally.errors import DecryptionRefused
from tally.round_check import (
    LogFollower,
    check_ballot,
    finish_round,
    followable_rounds,
    is_small,
    pinned_key,
    plan_round,
)

VECTORS = json.loads(
    (Path(__file__).parent / "vectors" / "round_check.json").read_text(encoding="utf-8")
)
CASES = VECTORS["cases"]


def log_of(case: dict) -> list[dict]:
    return copy.deepcopy(VECTORS["base"][: case["prefix"]] + case["tail"])


def decide(case: dict):
    follower = LogFollower(bytes.fromhex(VECTORS["server_key"]))
    follower.extend(log_of(case))
    plan = plan_round(
        follower.events,
        case["round"],
        case["key_round"],
        case["index"],
        bytes.fromhex(case["signing_key"]),
        RISTRETTO255,
    )
    ballots = [VECTORS["ballot_pool"][i] for i in case["ballots"]]
    return finish_round(plan, [check_ballot(plan.context, b) for b in ballots])


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_each_case_is_decided_as_the_vector_says(case: dict) -> None:
    expected = case["expected"]
    if "reason" in expected:
        with pytest.raises(DecryptionRefused) as refused:
            decide(case)
        assert refused.value.check == expected["reason"], refused.value
        return
    checked = decide(case)
    assert (checked.ballots, checked.tokens, checked.override_reason) == (
        expected["ballots"],
        expected["tokens"],
        expected["override_reason"],
    )


def test_every_reason_of_the_protocol_has_a_vector() -> None:
    named = {c["expected"]["reason"] for c in CASES if "reason" in c["expected"]}
    table = (Path(__file__).parents[1] / "docs" / "PROTOCOL.md").read_text(encoding="utf-8")
    for reason in named:
        assert f"`{reason}`" in table, reason
    assert {
        "aggregate.sum",
        "aggregate.count",
        "ballots.missing",
        "ballots.extra",
        "ballots.proof",
        "ballots.binding",
        "ballots.possession",
        "ballots.token",
        "ballots.token-reused",
        "ballots.window",
        "round.keys",
        "round.missing",
        "round.small",
        "round.not-closed",
        "round.election",
        "log.server-key",
        "log.signature",
        "log.hash",
    } <= named


def test_every_reason_is_told_to_the_member_in_both_clients() -> None:
    """``phieukin trustee`` and the committee page (Vietnamese and English) word every reason."""
    from ballot_client.trustee_cli import REASONS

    named = {c["expected"]["reason"] for c in CASES if "reason" in c["expected"]}
    words = (Path(__file__).parents[1] / "ballot_client/static/words-committee.js").read_text()
    for reason in named:
        assert reason in REASONS, reason
        assert words.count(f"'cm.reason.{reason}'") == 2, reason  # vi and en


def test_the_follower_checks_only_what_is_new_and_catches_a_rewritten_prefix() -> None:
    base = VECTORS["base"]
    follower = LogFollower(pinned_key(base[0]))
    follower.extend(base[:5])
    follower.extend(base[3:12], start=3)  # overlapping: the known part must be the same
    assert len(follower.entries) == 12
    rewritten = copy.deepcopy(base[10:14])
    rewritten[0]["signature"] = "00" * 64
    with pytest.raises(DecryptionRefused) as refused:
        follower.extend(rewritten, start=10)
    assert refused.value.check == "log.rewritten"
    with pytest.raises(DecryptionRefused) as gap:
        follower.extend(base[14:], start=14)
    assert gap.value.check == "log.sequence"
    follower.extend(base[12:], start=12)
    assert len(follower.events) == len(base)


def test_a_server_key_is_pinned_only_from_a_signed_log_opened() -> None:
    first = copy.deepcopy(VECTORS["base"][0])
    assert pinned_key(first).hex() == VECTORS["server_key"]
    first["event"]["type"] = "meeting-set"
    with pytest.raises(DecryptionRefused) as refused:
        pinned_key(first)
    assert refused.value.check == "log.server-key"


def test_only_rounds_the_log_shows_reusing_these_keys_are_followed() -> None:
    """A runoff of a counted round, or another later round reusing the keys, is followed; a
    runoff of another round, or a round naming itself as the round of its keys, is not."""
    events = [entry["event"] for entry in VECTORS["base"]]
    assert followable_rounds(events, 1) == [1, 2]
    assert followable_rounds(events, 2) == [2]
    other_kind = next(c for c in CASES if c["name"].startswith("a later round of another kind"))
    assert followable_rounds([e["event"] for e in log_of(other_kind)], 1) == [1, 2]
    for name in ("a runoff of another round", "a later round naming itself"):
        case = next(c for c in CASES if c["name"].startswith(name))
        assert followable_rounds([e["event"] for e in log_of(case)], 1) == [1]


@pytest.mark.parametrize(
    ("ballots", "tokens", "small"),
    [(0, 0, True), (2, 2, True), (3, 3, False), (3, 6, False), (3, 7, True), (10, 21, True)],
)
def test_the_small_round_rule(ballots: int, tokens: int, small: bool) -> None:
    assert is_small(ballots, tokens) is small
