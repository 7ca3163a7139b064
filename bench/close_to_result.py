"""``close_to_result_s_n30_r30``: from "close voting" to the signed minute JSON, server side.

A real meeting folder (SQLite) is set up with the server's own services — chair, rounds,
counting, decisions, minutes — and the simulated committee's key ceremony, and N ballots are
accepted. The timed part is what the meeting
waits for after the chair closes: the aggregate, two of three committee members' decryption
shares with proofs (each checked by the server), their combination into counts, the rule
decisions, and the minute JSON signed by the server. HTTP is left out: it adds milliseconds.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from aiohttp.test_utils import TestClient, TestServer  # noqa: E402

from ballot_server import keys  # noqa: E402
from ballot_server.minute_service import Minutes  # noqa: E402
from tally.ballot import make_ballot  # noqa: E402
from tally.crypto.nonces import system_nonce  # noqa: E402
from tally.token import token_hash  # noqa: E402
from tests.record_support import accept_signed, ready_meeting  # noqa: E402
from tests.server_support import decryption_share, make_app  # noqa: E402


async def _sample(folder: Path, voters: int, rated: int, seed: int) -> float:
    """One fresh meeting: set up with the committee's ceremony (``tests.record_support``), N
    ballots accepted, then the timed part: close → shares → counts → decisions → minute."""
    rng = random.Random(seed)
    async with TestClient(TestServer(make_app(folder), host="127.0.0.1")) as client:
        ready = await ready_meeting(client, voters, rated, rng)
        app, number, context = ready.app, ready.number, ready.context
        rounds = app[keys.ROUNDS]
        tokens = rounds.issue_tokens(number, voters)
        rounds.open_voting(number)
        for token in tokens:
            choices = [rng.randrange(4) for _ in context.manifest.questions]
            ballot = make_ballot(context, token_hash(token), choices, system_nonce)
            accept_signed(rounds, context, number, token, ballot)
        minutes = Minutes(app[keys.STORE], ready.chair)
        started = time.perf_counter()
        aggregate = rounds.close_voting(number)
        for member in (ready.members[0], ready.members[2]):
            share = decryption_share(member, context, aggregate)
            app[keys.COUNTING].add_share(number, member.index, share.to_json(context))
        minutes.make({})
        return time.perf_counter() - started


def close_to_result(voters: int = 30, rated: int = 30, repeats: int = 3) -> dict[str, float]:
    """Median seconds from close to the signed minute JSON, over ``repeats`` fresh meetings."""
    samples = []
    for repeat in range(repeats):
        with tempfile.TemporaryDirectory() as folder:
            samples.append(asyncio.run(_sample(Path(folder), voters, rated, repeat)))
    return {f"close_to_result_s_n{voters}_r{rated}": round(statistics.median(samples), 3)}


if __name__ == "__main__":
    print(close_to_result())
