"""The demonstration meeting's second round: a confidence vote on the cell's two heads.

After the members' rating, the chair starts a confidence vote (lấy phiếu tín nhiệm) on the
secretary and the deputy secretary of the cell, voted by the cell's official members present,
with the committee's keys of the rating round (no new key ceremony). Simulated voters choose
"tín nhiệm cao / tín nhiệm / tín nhiệm thấp"; the simulated committee decrypts; the demo prints
each person's counts and shares and the rules' finding in words, and checks the counts against
the simulated choices. With ``--serve`` a few tokens are kept for real phones and the demo waits
for the chair to close voting on the chair's page.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable

from ballot_client.committee import CommitteeMember
from ballot_client.remote import MeetingClient
from ballot_client.simulated import decrypt_round
from ballot_server.demo_console import Say
from tally.rules.trace import step_from_json
from tally.rules.wording import render_step

HEADS = (("Bí thư chi bộ", (6, 3, 1)), ("Phó Bí thư chi bộ", (3, 4, 3)))
"""The two people voted on: their position and the weights of CAO, TN, THAP among the voters."""
Wait = Callable[[int, list[str]], Awaitable[bool]]


async def confidence_round(
    chair: MeetingClient,
    public: MeetingClient,
    members: list[CommitteeMember],
    rng: random.Random,
    keep: int,
    wait: Wait | None = None,
    say: Say | None = None,
) -> int | None:
    """Run the confidence vote; returns its round's number (``None`` if stopped while waiting,
    1 as an error code when the decrypted counts differ from the choices). ``say`` prints in
    the demo's language (Vietnamese by default)."""
    say = say or Say("vi")
    state = await chair.get("/api/chair/state")
    heads = state["roll"]["voters"][: len(HEADS)]
    names = {m["id"]: m["name"] for m in state["roster"]}
    body = {
        "kind": "confidence",
        "subjects": [
            {"member_id": member, "position": position}
            for member, (position, _) in zip(heads, HEADS, strict=False)
        ],
    }
    started = await chair.post("/api/chair/rounds", body)
    number = started["round"]
    tokens = (await chair.post(f"/api/chair/rounds/{number}/tokens", {}))["tokens"]
    await chair.post(f"/api/chair/rounds/{number}/open", {})
    people = ", ".join(names[m] for m in heads)
    say(
        f"8. Vòng {number}: lấy phiếu tín nhiệm {len(heads)} đồng chí ({people}), dùng lại "
        f"khóa của Ban kiểm phiếu; phát {len(tokens)} phiếu.",
        f"8. Round {number}: a confidence vote on {len(heads)} comrades ({people}) with the "
        f"counting committee's keys again; {len(tokens)} tokens issued.",
    )
    choices = [
        [rng.choices(range(3), weights=weights)[0] for _, weights in HEADS[: len(heads)]]
        for _ in tokens[keep:]
    ]
    limit = asyncio.Semaphore(8)

    async def vote(token: str, choice: list[int]) -> None:
        async with limit:
            await public.vote(number, token, choice)

    await asyncio.gather(*(vote(t, c) for t, c in zip(tokens[keep:], choices, strict=True)))
    if wait is not None:
        if not await wait(number, tokens[:keep]):
            return None
    else:
        await chair.post(f"/api/chair/rounds/{number}/close", {"confirm": True})
    counts = await decrypt_round(public, number, [members[0], members[2]])
    results = await public.get(f"/api/rounds/{number}/results")
    if wait is None:
        expected = {
            question["id"]: [sum(1 for c in choices if c[i] == o) for o in range(3)]
            for i, question in enumerate(results["questions"])
        }
        if counts != expected:
            say(
                "Lỗi: kết quả giải mã không khớp với phiếu mô phỏng.",
                "Error: the decrypted counts differ from the simulated ballots.",
            )
            return 1
    say(
        f"9. Kết quả lấy phiếu tín nhiệm (vòng {number}):",
        f"9. Results of the confidence vote (round {number}):",
    )
    for subject, question in zip(
        results["decisions"]["subjects"], results["questions"], strict=True
    ):
        print(f"   {question['title']}")
        for step in subject["steps"][1:]:
            print(f"      – {render_step(step_from_json(step), say.lang)}")
    if wait is None:
        say("   Khớp với các lựa chọn mô phỏng. ✓", "   They match the simulated choices. ✓")
    return number
