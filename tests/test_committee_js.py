"""The browser's committee client (``ballot_client/js/committee.mjs``, what the committee page
drives) against a real server process, through Node (``tests/js/committee_driver.mjs``): it runs
a ceremony together with Python members (signed messages made in one language are checked in the
other) and refuses the same attacks as the Python client, with the same named reasons. The page
itself is driven in Chromium by ``tests/browser/test_committee_attacks.py``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ballot_client.committee import CommitteeMember, MemoryKeeper
from ballot_client.simulated import decrypt_round
from tally.ballot import make_ballot
from tally.crypto.nonces import system_nonce
from tally.token import token_hash
from tests.attack_support import (
    OperatorLaptop,
    chair_starts,
    doubled_aggregate,
    server_process,
    vote,
)
from tests.node_support import node_json

pytestmark = pytest.mark.live  # a real server process

ROOT = Path(__file__).resolve().parents[1]
DRIVER = ROOT / "tests" / "js" / "committee_driver.mjs"


class JsMember:
    """One committee member's browser client; its localStorage kept between runs."""

    def __init__(self, server: OperatorLaptop, credential: str, number: int) -> None:
        self.base, self.credential, self.number = server.url, credential, number
        self.storage: dict[str, str] = {}

    def run(self, action: str, number: int | None = None) -> dict[str, Any]:
        request = {
            "base": self.base,
            "credential": self.credential,
            "round": self.number,
            "action": action,
            "storage": self.storage,
            "number": number,
        }
        answer = node_json([str(DRIVER)], request)
        assert "error" not in answer, answer["error"]
        self.storage = answer["storage"]
        return answer


async def ceremony_with_js_member_1(server: OperatorLaptop):
    """Member 1 in the browser's client, members 2 and 3 in Python, in turn."""
    number, credentials = await chair_starts(server)
    js = JsMember(server, credentials[1], number)
    assert js.run("open")["result"] == {"index": 1, "claimed": False, "keyed": False}
    js.run("make-key")
    assert js.run("step")["result"] == {"stage": "backup"}  # the backup comes first
    js.run("backed-up")
    python = [
        CommitteeMember(server.public, credentials[i], number, MemoryKeeper()) for i in (2, 3)
    ]
    for member in python:
        await member.join()
    stages: list[str] = []
    for _ in range(8):
        stage = js.run("step")["result"]["stage"]
        if stage == "confirm-projector":
            js.run("confirm")
            stage = js.run("step")["result"]["stage"]
        stages = [stage] + [await member.step() for member in python]
        if stages == ["published"] * 3:
            break
    assert stages == ["published"] * 3
    return number, js, python


async def test_the_browser_client_runs_a_ceremony_with_python_members_and_refuses_attacks(
    tmp_path,
) -> None:
    async with server_process(tmp_path / "meeting") as server:
        number, js, python = await ceremony_with_js_member_1(server)
        await vote(server, number, 1)
        await server.chair.post(f"/api/chair/rounds/{number}/close", {"confirm": True})
        # a one-ballot round: refused until the chair records why
        assert js.run("check", number)["refused"] == "round.small"
        await server.chair.post(f"/api/chair/rounds/{number}/small-round", {"reason": "Thử"})
        assert js.run("check", number)["result"] == {"ballots": 1, "tokens": 6, "override": "Thử"}
        # the operator packs the aggregate, re-signing the log with the server's key
        context = await server.public.election(number)
        ballot = (await server.public.get(f"/api/rounds/{number}/ballots"))["ballots"][0]
        doubled = doubled_aggregate(context, ballot)
        position = server.find("aggregate", number)
        honest = server.entries()[position]["event"]["body"]["aggregate"]
        server.rewrite_event(position, lambda body: body.update(aggregate=doubled))
        answer = js.run("decrypt", number)
        assert answer["refused"] == "aggregate.sum", answer
        server.rewrite_event(position, lambda body: body.update(aggregate=honest))
        assert js.run("decrypt", number)["result"] == {"counted": False}
        assert await decrypt_round(server.public, number, [python[0]]) is not None


async def test_the_browser_client_refuses_a_ballot_stuffed_on_an_unused_card(tmp_path) -> None:
    """The operator's own ballot on a card nobody used, logged and summed, lacks that card's
    signature: the browser's client refuses it as the Python one does."""
    async with server_process(tmp_path / "meeting") as server:
        number, js, _ = await ceremony_with_js_member_1(server)
        tokens = await vote(server, number, 4)
        context = await server.public.election(number)
        choices = [0] * len(context.manifest.questions)
        server.stuff_ballot(
            number, make_ballot(context, token_hash(tokens[4]), choices, system_nonce)
        )
        await server.chair.post(f"/api/chair/rounds/{number}/close", {"confirm": True})
        assert js.run("check", number)["refused"] == "ballots.possession"


async def test_the_browser_client_blames_the_relay_and_raises_the_alarm(tmp_path) -> None:
    async with server_process(tmp_path / "meeting") as server:
        number, credentials = await chair_starts(server)
        chair_copy = CommitteeMember(server.public, credentials[3], number, MemoryKeeper())
        await chair_copy.join()  # the chair claims member 3's link first
        member_3 = JsMember(server, credentials[3], number)
        assert member_3.run("open")["result"]["claimed"] is True
        assert member_3.run("make-key")["failure"] == "link_claimed"

    async with server_process(tmp_path / "second") as server:
        number, credentials = await chair_starts(server)
        js = JsMember(server, credentials[1], number)
        js.run("make-key")
        js.run("backed-up")
        python = [
            CommitteeMember(server.public, credentials[i], number, MemoryKeeper()) for i in (2, 3)
        ]
        for member in python:
            await member.join()
        js.run("step")
        for member in python:
            await member.step()  # announcements
        for member in python:
            await member.step()  # their shares are sent

        def forge(message: dict) -> None:
            shares = message["body"]["shares"]
            shares[0]["ephemeral"] = shares[1]["ephemeral"]

        server.rewrite_share(number, 2, forge)
        answer = js.run("step")
        assert (answer.get("failure"), answer.get("member")) == ("relay", 2), answer
        assert "trustee-complaint" not in [e["event"]["type"] for e in server.entries()]
