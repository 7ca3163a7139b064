"""Attacks on the committee by whoever controls the laptop — its database and its server process
(``tests.attack_support``) — and the faults a ceremony must survive. Every attack is refused by
the Python committee client (``ballot_client.committee``, what ``phieukin trustee`` and the demo
run) with the reason PROTOCOL.md §15 names; each test fails if that check is removed. The same
attacks against the committee page run in Chromium (``tests/browser/test_committee_attacks.py``).
"""

from __future__ import annotations

import io
import json

import pytest

from audit.record import load_record
from audit.verify import verify_record
from ballot_client.committee import CommitteeMember, MemberFailure, MemoryKeeper
from ballot_client.remote import CREDENTIAL_HEADER, ServerError
from ballot_client.simulated import decrypt_round, run_committee, sign_minute
from ballot_client.trustee_cli import BackupKeeper, PassphraseSource, Session
from ballot_server.export import write_record
from tally.aggregate import Aggregate
from tally.ballot import make_ballot, verify_ballot
from tally.crypto.elgamal import Ciphertext
from tally.crypto.group import RISTRETTO255
from tally.crypto.nonces import system_nonce
from tally.errors import DecryptionRefused
from tally.token import token_hash
from tests.attack_support import (
    CorruptingMember,
    OperatorLaptop,
    chair_starts,
    server_process,
    step_all,
    vote,
)

pytestmark = pytest.mark.live  # a real server process

GROUP = RISTRETTO255


async def refused(member: CommitteeMember, number: int) -> str:
    with pytest.raises(DecryptionRefused) as caught:
        await member.check_round(number)
    return caught.value.check


async def cli_says(member: CommitteeMember, number: int) -> str:
    """What ``phieukin trustee`` prints for this member (its decrypt step)."""
    out = io.StringIO()
    session = Session(member, out, confirm=lambda _question: True, target=number)
    await session.decrypt(number)
    return out.getvalue()


def again(server: OperatorLaptop, member: CommitteeMember, number: int) -> CommitteeMember:
    """The same member's device opening the page again (its secrets kept, nothing cached)."""
    credential = member.headers["X-Committee-Credential"]
    return CommitteeMember(server.public, credential, number, MemoryKeeper(member.record))


def decryption_events(server: OperatorLaptop) -> list[str]:
    return [
        e["event"]["type"]
        for e in server.entries()
        if e["event"]["type"] in ("decryption-share", "decryption-share-rejected", "counts")
    ]


async def closed_round(server: OperatorLaptop, ballots: int = 4):
    number, credentials = await chair_starts(server)
    members, context = await run_committee(server.public, number, credentials)
    await vote(server, number, ballots)
    await server.chair.post(f"/api/chair/rounds/{number}/close", {"confirm": True})
    return number, members, context


async def test_a_substituted_or_packed_aggregate_is_refused(tmp_path) -> None:
    """After close the operator swaps the logged aggregate — for one ballot's ciphertexts
    (decrypting it would reveal that voter's choices), or Σ 2ⁱ·ballotᵢ with the honest count
    (one decryption would reveal every ballot) — and re-signs the log with the server's key."""
    async with server_process(tmp_path / "meeting") as server:
        number, members, context = await closed_round(server)
        ballots = (await server.public.get(f"/api/rounds/{number}/ballots"))["ballots"]
        verified = [verify_ballot(context, b) for b in ballots]
        honest = await server.public.get(f"/api/rounds/{number}/aggregate")
        one = Aggregate(verified[0].ciphertexts, len(ballots)).to_json(context)
        packed = Aggregate(
            tuple(
                tuple(
                    Ciphertext(
                        GROUP.linear_combination(
                            (2**i, v.ciphertexts[q][o].alpha) for i, v in enumerate(verified)
                        ),
                        GROUP.linear_combination(
                            (2**i, v.ciphertexts[q][o].beta) for i, v in enumerate(verified)
                        ),
                    )
                    for o in range(len(question.options))
                )
                for q, question in enumerate(context.manifest.questions)
            ),
            len(ballots),
        ).to_json(context)
        position = server.find("aggregate", number)
        for forged in (one, packed):
            server.rewrite_event(position, lambda body, f=forged: body.update(aggregate=f))
            server.execute(
                "UPDATE results SET data = ? WHERE round = ? AND kind = 'aggregate'",
                [json.dumps(forged), number],
            )
            fresh = again(server, members[0], number)
            await fresh.join()
            assert await refused(fresh, number) == "aggregate.sum"
            assert "TỪ CHỐI GIẢI MÃ (aggregate.sum)" in await cli_says(fresh, number)
        assert decryption_events(server) == []  # nothing was decrypted
        # put back by the honest operator: the same device decrypts
        server.rewrite_event(position, lambda body: body.update(aggregate=honest))
        server.execute(
            "UPDATE results SET data = ? WHERE round = ? AND kind = 'aggregate'",
            [json.dumps(honest), number],
        )
        counts = await decrypt_round(server.public, number, [members[0], members[1]])
        assert counts is not None and sum(counts[context.manifest.questions[0].id]) == 4


async def test_a_ballot_stuffed_on_an_unused_card_is_refused(tmp_path) -> None:
    """While voting is open the operator adds a ballot of their own on a card nobody used: a
    proper encryption with valid proofs for a committed token hash, stored, logged as accepted
    (signed with the server's key) and summed into the aggregate at close. What it cannot make
    is that card's signature on it: the card's key never reached the laptop after opening
    (PROTOCOL.md §6.1)."""
    async with server_process(tmp_path / "meeting") as server:
        number, credentials = await chair_starts(server)
        members, context = await run_committee(server.public, number, credentials)
        tokens = await vote(server, number, 4)
        assert len(tokens) > 4
        choices = [0] * len(context.manifest.questions)
        server.stuff_ballot(
            number, make_ballot(context, token_hash(tokens[4]), choices, system_nonce)
        )
        await server.chair.post(f"/api/chair/rounds/{number}/close", {"confirm": True})
        assert (await server.public.status())["turnout"]["ballots"] == 5
        assert await refused(members[0], number) == "ballots.possession"
        assert "TỪ CHỐI GIẢI MÃ (ballots.possession)" in await cli_says(members[1], number)
        assert decryption_events(server) == []


async def test_a_later_round_that_is_not_in_the_log_is_not_followed(tmp_path) -> None:
    """The operator adds a round 2 "with the same keys" to the database — one of round 1's
    ballots in it — and names it in /api/status, but keeps it out of the signed log. (The
    honest server refuses such a folder at start-up: the operator runs a build without that
    check.)"""
    async with server_process(tmp_path / "meeting", checks=False) as server:
        number, members, _ = await closed_round(server)
        await decrypt_round(server.public, number, members[:2])
        server.add_round_outside_the_log(1, 2)
        await server.restart()
        assert (await server.public.status())["round"] == 2
        member = again(server, members[2], number)
        await member.join()
        assert await member.round_checker().rounds() == [1]  # never round 2
        assert await refused(member, 2) == "round.missing"
        assert "TỪ CHỐI GIẢI MÃ (round.missing)" in await cli_says(member, 2)


async def test_a_one_ballot_round_needs_the_chairs_recorded_reason(tmp_path) -> None:
    async with server_process(tmp_path / "meeting") as server:
        number, members, _ = await closed_round(server, ballots=1)
        assert await refused(members[0], number) == "round.small"
        assert "TỪ CHỐI GIẢI MÃ (round.small)" in await cli_says(members[0], number)
        assert decryption_events(server) == []
        override = await server.chair.post(
            f"/api/chair/rounds/{number}/small-round",
            {"reason": "Chỉ một đồng chí có mặt bỏ phiếu"},
        )
        assert (override["ballots"], override["tokens"]) == (1, 6)
        checked = await members[0].check_round(number)
        assert checked.override_reason == "Chỉ một đồng chí có mặt bỏ phiếu"
        out = await cli_says(members[1], number)
        assert "lý do chủ tọa ghi: «Chỉ một đồng chí có mặt bỏ phiếu»" in out, out
        assert "1 phiếu" in out and "trên 6 mã phiếu" in out, out
        assert (await server.public.status())["phase"] == "closed"
        assert await members[0].decrypt(checked)  # the second share completes the count
        assert (await server.public.status())["phase"] == "counted"


async def test_the_chair_running_the_ceremony_with_the_links_raises_the_alarm(tmp_path) -> None:
    """The chair has every member's link. A link a member's device claimed first stops working
    for the chair's copy; a link the chair claimed first (to make a key in the member's name) is
    refused to the real member's device, which raises the alarm — and /api/status, what the
    projector and the chair's page show, names that member."""
    async with server_process(tmp_path / "meeting") as server:
        number, credentials = await chair_starts(server)
        member_1 = CommitteeMember(server.public, credentials[1], number, MemoryKeeper())
        await member_1.join()
        chair_copy = CommitteeMember(server.public, credentials[1], number, MemoryKeeper())
        with pytest.raises(MemberFailure) as stopped:
            await chair_copy.join()
        assert stopped.value.reason == "link_claimed"
        chair_device = CommitteeMember(server.public, credentials[2], number, MemoryKeeper())
        await chair_device.join()  # the chair makes a key in member 2's name
        real = CommitteeMember(server.public, credentials[2], number, MemoryKeeper())
        with pytest.raises(MemberFailure) as alarm:
            await real.join()
        assert alarm.value.reason == "link_claimed" and "CẢNH BÁO" in str(alarm.value)
        status = await server.public.status()
        assert [m["alarm"] for m in status["committee"]] == [True, True, False]
        assert status["committee"][1]["fingerprint"] == chair_device.fingerprint
        alarms = [
            e["event"]["body"]["trustee"]
            for e in server.entries()
            if e["event"]["type"] == "committee-alarm"
        ]
        assert alarms == [1, 2]


async def lockstep(members: list[CommitteeMember], passes: int = 12) -> list[str]:
    states: list[str] = []
    for _ in range(passes):
        states = await step_all(members)
        if all(s == "published" for s in states):
            break
    return states


async def test_a_bad_share_is_settled_in_the_open(tmp_path) -> None:
    """Member 3 sends member 1 a share that fails: member 1 complains, member 3's device
    publishes the share, every member checks it against the commitments, member 1 uses it and
    the ceremony completes — the log names the outcome. When the revealed share is wrong too,
    the log names member 3, nobody confirms, and the chair abandons and starts again in the same
    meeting folder: the meeting goes on to its count and a record that verifies."""
    async with server_process(tmp_path / "meeting") as server:
        number, credentials = await chair_starts(server)
        members = [
            CommitteeMember(server.public, credentials[1], number, MemoryKeeper()),
            CommitteeMember(server.public, credentials[2], number, MemoryKeeper()),
            CorruptingMember(server.public, credentials[3], number, MemoryKeeper()),
        ]
        for member in members:
            await member.join()
        assert await lockstep(members) == ["published"] * 3
        log = [e["event"] for e in server.entries()]
        complaints = [e["body"] for e in log if e["type"] == "trustee-complaint"]
        assert [(c["trustee"], c["accused"], c["check"]) for c in complaints] == [
            (1, 3, "decryption")
        ]
        disputes = [e["body"] for e in log if e["type"] == "trustee-dispute"]
        assert disputes == [
            {"round": number, "accuser": 1, "accused": 3, "outcome": "share-valid", "wrong": None}
        ]

    async with server_process(tmp_path / "second") as server:
        number, credentials = await chair_starts(server)
        liar = CorruptingMember(server.public, credentials[3], number, MemoryKeeper())
        liar.lie = True
        members = [
            CommitteeMember(server.public, credentials[1], number, MemoryKeeper()),
            CommitteeMember(server.public, credentials[2], number, MemoryKeeper()),
            liar,
        ]
        for member in members:
            await member.join()
        states = await lockstep(members)
        assert states[0] == "dispute_lost" and states[1] == "dispute_lost", states
        disputes = [
            e["event"]["body"] for e in server.entries() if e["event"]["type"] == "trustee-dispute"
        ]
        assert disputes[0]["outcome"] == "share-invalid" and disputes[0]["wrong"] == 3
        assert (await server.public.status())["phase"] == "ceremony"
        await server.chair.post(
            f"/api/chair/rounds/{number}/abandon", {"reason": "Thành viên 3 gửi phần khóa sai"}
        )
        assert (await server.public.status())["phase"] == "abandoned"
        started = await server.chair.post("/api/chair/rounds", {})
        again = {c["index"]: c["url"].split("#c=")[1].split("&")[0] for c in started["committee"]}
        committee, _ = await run_committee(server.public, started["round"], again)
        await vote(server, started["round"], 5)
        await server.chair.post(f"/api/chair/rounds/{started['round']}/close", {"confirm": True})
        counts = await decrypt_round(server.public, started["round"], committee[:2])
        assert counts is not None
        await server.chair.post("/api/chair/minute", {})
        await sign_minute(server.public, committee)
        report = verify_record(load_record(write_record(server.folder)), workers=1)
        assert report.passed, [f"{f.check}: {f.detail}" for f in report.failures]
        assert "round.abandoned" in {f.check for f in report.findings}


async def test_a_share_rewritten_by_the_relay_blames_the_relay(tmp_path) -> None:
    """The operator changes member 3's share to member 1 in the database: the signature of
    member 3's message no longer verifies, so member 1's device names the relay — it makes no
    complaint against member 3."""
    async with server_process(tmp_path / "meeting") as server:
        number, credentials = await chair_starts(server)
        members = [
            CommitteeMember(server.public, credentials[i], number, MemoryKeeper())
            for i in (1, 2, 3)
        ]
        for member in members:
            await member.join()
        for member in members:
            await member.step()  # announcements
        await members[1].step()  # members 2 and 3 send their shares
        await members[2].step()

        def forge(message: dict) -> None:
            share = next(s for s in message["body"]["shares"] if s["recipient"] == 1)
            share["ciphertext"] = share["ciphertext"][::-1]

        server.rewrite_share(number, 3, forge)
        with pytest.raises(MemberFailure) as failure:
            await members[0].step()
        assert failure.value.reason == "relay" and failure.value.member == 3
        assert "không phải lỗi của thành viên 3" in str(failure.value)
        types = [e["event"]["type"] for e in server.entries()]
        assert "trustee-complaint" not in types


async def test_a_restart_at_every_step_of_the_ceremony_loses_nothing(tmp_path) -> None:
    """The server process is restarted before anyone opens a link (the links were only in its
    memory: the chair re-issues them, and the old ones stop working), then after every step of
    every member, then around voting and decryption: the same meeting folder goes on."""
    async with server_process(tmp_path / "meeting") as server:
        number, old = await chair_starts(server)
        await server.restart()
        state = await server.chair.get("/api/chair/state")
        lost = state["rounds"][0]["committee"]
        assert all(m["link_lost"] and m["url"] is None for m in lost)
        credentials = {}
        for member in lost:
            link = await server.chair.post(
                f"/api/chair/rounds/{number}/committee/{member['index']}/link", {}
            )
            credentials[member["index"]] = link["url"].split("#c=")[1].split("&")[0]
        with pytest.raises(ServerError) as stale:
            await server.public.get(
                f"/api/rounds/{number}/ceremony/me", headers={CREDENTIAL_HEADER: old[1]}
            )
        assert stale.value.status == 403
        members = [
            CommitteeMember(server.public, credentials[i], number, MemoryKeeper())
            for i in (1, 2, 3)
        ]
        restarts = 1
        for member in members:
            await member.join()
            await server.restart()
            restarts += 1
        states: list[str] = []
        while states != ["published"] * 3:
            assert restarts < 40, states
            states = []
            for member in members:
                states.append(await member.step())
                await server.restart()
                restarts += 1
        await vote(server, number, 4)
        await server.restart()
        await server.chair.post(f"/api/chair/rounds/{number}/close", {"confirm": True})
        await server.restart()
        assert not await members[0].decrypt(await members[0].check_round(number))
        await server.restart()
        assert await members[2].decrypt(await members[2].check_round(number))
        assert (await server.public.status())["phase"] == "counted"
        reissued = [e for e in server.entries() if e["event"]["type"] == "committee-link-reissued"]
        assert len(reissued) == 3 and restarts > 10


async def test_a_lost_phone_restores_from_its_backup_at_any_step(tmp_path) -> None:
    """Member 2's device saves its backup before announcing, then is lost. A device without the
    key opening member 2's link raises the alarm; the device restored from the backup claims the
    link again with the same key (the alarm is cleared, and logged), and carries on. A backup
    made before the shares arrived restores a working key after publication too."""
    secret = tmp_path / "passphrase.txt"
    secret.write_text("mật khẩu của thành viên 2\n", encoding="utf-8")
    backup = tmp_path / "member2.json"
    async with server_process(tmp_path / "meeting") as server:
        number, credentials = await chair_starts(server)

        def device(index: int, keeper) -> CommitteeMember:
            return CommitteeMember(server.public, credentials[index], number, keeper)

        def backup_of(path):
            return BackupKeeper(path, PassphraseSource(secret))

        members = [
            device(1, MemoryKeeper()),
            device(2, backup_of(backup)),
            device(3, MemoryKeeper()),
        ]
        for member in members:
            await member.join()
        early = tmp_path / "member2-early.json"
        early.write_bytes(backup.read_bytes())  # the backup made before announcing
        for member in members:
            await member.step()
        with pytest.raises(MemberFailure) as alarm:
            await device(2, MemoryKeeper()).join()  # a new phone, no backup restored
        assert alarm.value.reason == "link_claimed"
        assert [m["alarm"] for m in (await server.public.status())["committee"]] == [
            False,
            True,
            False,
        ]
        members[1] = device(2, backup_of(backup))  # the new phone, backup restored
        await members[1].join()
        assert not any(m["alarm"] for m in (await server.public.status())["committee"])
        assert await lockstep(members) == ["published"] * 3
        types = [e["event"]["type"] for e in server.entries()]
        assert types.count("committee-alarm") == 1 and types.count("committee-restored") == 1

        await vote(server, number, 4)
        await server.chair.post(f"/api/chair/rounds/{number}/close", {"confirm": True})
        restored = device(2, backup_of(early))  # from the backup made before any share
        await restored.join()
        assert await restored.step() == "published"
        assert restored.record.secret_share == members[1].record.secret_share
        assert not await restored.decrypt(await restored.check_round(number))
        assert await members[0].decrypt(await members[0].check_round(number))
